package io.nines.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class UnitsTest {
  @Test
  void whenADurationIsWritten_thenItParsesToItsLength() {
    assertThat(Units.parseDuration("800ms")).isEqualTo(Duration.ofMillis(800));
    assertThat(Units.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Units.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Units.parseDuration("400d")).isEqualTo(Duration.ofDays(400));
    assertThat(Units.parseDuration("0s")).isEqualTo(Duration.ZERO);
  }

  @Test
  void whenADurationIsMalformed_thenItDoesNotParse() {
    for (String bad : new String[] {"", "30", "30 s", "s", "1.5s", "-1s", "1w", "30S", "1h 30m"}) {
      assertThat(Units.parseDuration(bad)).as(bad).isNull();
    }
    assertThat(Units.parseDuration("99999999999999999999d")).isNull();
  }

  @Property
  void whenADurationIsFormatted_thenParsingGivesItBack(
      @ForAll @LongRange(min = 0, max = 100L * 365 * 86_400_000) long millis) {
    Duration d = Duration.ofMillis(millis);
    assertThat(Units.parseDuration(Units.formatDuration(d))).isEqualTo(d);
  }

  @Test
  void whenASizeIsWritten_thenItParsesToBytes() {
    assertThat(Units.parseSize("65536")).isEqualTo(65536);
    assertThat(Units.parseSize("1MiB")).isEqualTo(1024 * 1024);
    assertThat(Units.parseSize("1MB")).isEqualTo(1_000_000);
    assertThat(Units.parseSize("512 KiB")).isEqualTo(512 * 1024);
    assertThat(Units.parseSize("2TB")).isEqualTo(-1);
    assertThat(Units.formatSize(1024 * 1024)).isEqualTo("1MiB");
    assertThat(Units.formatSize(1000)).isEqualTo("1000B");
  }
}
