package io.nines.agent;

import io.nines.agent.spool.SpoolOptions;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.Settings;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.AssertionParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds checks for tests without YAML. */
public final class TestChecks {
  private TestChecks() {}

  /**
   * Options of agent {@code agent-1} in location {@code bench} shipping to {@code coordinator}
   * (endpoints on 127.0.0.1 port 0, 64 in flight and per host, batches of 10, 1,000 buffered, a
   * flush every 50 ms), with {@code probeLoops} probe loops and its spool in {@code spoolDir}.
   */
  public static AgentOptions agentOptions(String coordinator, Path spoolDir, int probeLoops) {
    return new AgentOptions(
        "agent-1",
        "bench",
        List.of(coordinator),
        "token",
        "127.0.0.1",
        0,
        64,
        64,
        10,
        1000,
        50,
        probeLoops,
        SpoolOptions.defaults(spoolDir),
        null);
  }

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

  /**
   * A fleet of {@code n} http checks of {@code url} ({@code check-000}, {@code check-001}, ...),
   * every {@code every}, each asserting {@code body contains "text"}, all run from {@code
   * location}.
   */
  public static Fleet httpFleet(String location, String url, String text, int n, Duration every) {
    Request request = get("request", url, AssertionParser.parse("body contains \"" + text + "\""));
    CheckSpec spec = new CheckSpec.Http(request, HttpOptions.DEFAULTS);
    List<Check> checks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      checks.add(
          new Check(
              String.format("check-%03d", i),
              "svc",
              every,
              Duration.ofMillis(Math.min(5_000, every.toMillis())),
              List.of(location),
              DownWhen.MAJORITY,
              0,
              spec));
    }
    return new Fleet(
        new ConfigVersion("0000000000000000test", Instant.EPOCH),
        List.of(location),
        Map.of(),
        Map.of(),
        checks,
        List.of(),
        Settings.DEFAULTS,
        Map.of(),
        List.of());
  }
}
