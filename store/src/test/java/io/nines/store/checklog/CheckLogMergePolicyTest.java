package io.nines.store.checklog;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.spi.merge.MergingValue;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckLogMergePolicyTest {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");
  static final CheckRules RULES =
      new CheckRules(
          Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofMinutes(1), DownWhen.MAJORITY);

  final CheckLogMergePolicy policy = new CheckLogMergePolicy();

  static MergingValue<Object> value(CheckLog log, Object raw) {
    return new MergingValue<>() {
      @Override
      public Object getValue() {
        return log;
      }

      @Override
      public Object getRawValue() {
        return raw;
      }
    };
  }

  static CheckLog log(ProbeResult... results) {
    CheckLog log = new CheckLog("home");
    log.apply(List.of(results), RULES, NOW, "m");
    return log;
  }

  @Test
  void whenOnlyOneSideHasTheCheck_thenItsValueIsKeptAsIs() {
    Object raw = new Object();

    assertThat(policy.merge(value(log(ok("a", 1, "home", "eu", NOW)), raw), null)).isSameAs(raw);
    assertThat(policy.merge(value(null, null), value(log(), raw))).isSameAs(raw);
  }

  @Test
  void whenBothSidesHaveTheCheck_thenTheMergedValueHoldsBothWithoutTouchingEither() {
    CheckLog mine = log(ok("a", 1, "home", "eu", NOW.minusSeconds(30)));
    CheckLog theirs = log(ok("b", 1, "home", "us", NOW.minusSeconds(10)));

    CheckLog merged = (CheckLog) policy.merge(value(theirs, "x"), value(mine, "y"));

    assertThat(merged.results()).extracting(ProbeResult::id).containsExactly("a/1", "b/1");
    assertThat(mine.size()).isEqualTo(1);
    assertThat(theirs.size()).isEqualTo(1);
  }
}
