package io.nines.agent;

import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.DownWhen;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds checks for tests without YAML. */
public final class TestChecks {
  private TestChecks() {}

  public static Request get(String name, String url, Assertion... expect) {
    return new Request(
        name, "GET", Template.literal(url), Map.of(), null, List.of(expect), List.of());
  }

  public static Check http(String id, String url, Duration every, Assertion... expect) {
    return check(id, every, new CheckSpec.Http(get("request", url, expect), HttpOptions.DEFAULTS));
  }

  public static Check check(String id, Duration every, CheckSpec spec) {
    return new Check(
        id,
        "svc",
        every,
        Duration.ofMillis(Math.min(5_000, every.toMillis())),
        List.of("eu-west"),
        DownWhen.MAJORITY,
        0,
        spec);
  }

  public static Check withTimeout(Check c, Duration timeout) {
    return new Check(
        c.id(),
        c.service(),
        c.every(),
        timeout,
        c.locations(),
        c.downWhen(),
        c.retries(),
        c.spec());
  }

  public static Check withRetries(Check c, int retries) {
    return new Check(
        c.id(),
        c.service(),
        c.every(),
        c.timeout(),
        c.locations(),
        c.downWhen(),
        retries,
        c.spec());
  }
}
