package io.nines.availability.testing;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import java.time.Instant;
import java.util.Map;

/** Builds the {@link ProbeResult}s that timeline tests feed in: one passing, one failing. */
public final class TestResults {
  private TestResults() {}

  /** A passing result. */
  public static ProbeResult ok(
      String agent, long seq, String check, String location, Instant startedAt) {
    return new ProbeResult(
        agent, seq, check, location, startedAt, 120, true, null, 1, Map.of(), null);
  }

  /** A failing result, with an HTTP_STATUS failure at step {@code login}. */
  public static ProbeResult fail(
      String agent, long seq, String check, String location, Instant startedAt) {
    return new ProbeResult(
        agent,
        seq,
        check,
        location,
        startedAt,
        120,
        false,
        new Failure(FailureKind.HTTP_STATUS, "login", "status was 503 but it must be 200"),
        1,
        Map.of(),
        null);
  }
}
