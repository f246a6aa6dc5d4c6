package io.nines.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceFloorTest {
  static final long NOW_MICROS = TimeUnit.SECONDS.toMicros(1_796_000_000L);
  static final long HOUR_MICROS = TimeUnit.HOURS.toMicros(1);

  @TempDir Path dir;

  @Test
  void whenNoRunCameBefore_thenTheFirstSequenceIsTheClockAndTheNextFloorIsRecorded()
      throws IOException {
    assertThat(SequenceFloor.reserve(dir, NOW_MICROS)).isEqualTo(NOW_MICROS);

    assertThat(Files.readString(dir.resolve(SequenceFloor.FILE)).trim())
        .isEqualTo(Long.toString(NOW_MICROS + SequenceFloor.RESERVED));
    assertThat(dir.resolve(SequenceFloor.FILE + ".tmp")).doesNotExist();
  }

  @Test
  void whenTheClockSteppedBackAcrossARestart_thenTheNextRunStartsAboveEveryEarlierSequence()
      throws IOException {
    long first = SequenceFloor.reserve(dir, NOW_MICROS);
    // The first run numbered results first, first + 1, ... (fewer than RESERVED of them).
    long lastOfFirstRun = first + 5_000_000;

    // The host restarts with its clock an hour behind (no real-time clock, NTP not synced yet).
    long second = SequenceFloor.reserve(dir, NOW_MICROS - HOUR_MICROS);

    assertThat(second).isGreaterThan(lastOfFirstRun).isEqualTo(first + SequenceFloor.RESERVED);
    // And again: every start is above the one before.
    assertThat(SequenceFloor.reserve(dir, NOW_MICROS - 2 * HOUR_MICROS)).isGreaterThan(second);
  }

  @Test
  void whenTheClockIsAheadOfTheFloor_thenTheClockIsUsed() throws IOException {
    long first = SequenceFloor.reserve(dir, NOW_MICROS);
    long later = first + SequenceFloor.RESERVED + HOUR_MICROS;

    assertThat(SequenceFloor.reserve(dir, later)).isEqualTo(later);
  }

  @Test
  void whenARunNearsItsFloor_thenExtendMovesItUpAndALaterStartIsAboveTheRun() throws IOException {
    long first = SequenceFloor.reserve(dir, NOW_MICROS);
    long floor = first + SequenceFloor.RESERVED;

    long farBelow = first + 10;
    assertThat(SequenceFloor.extend(dir, floor, farBelow))
        .as("far below: nothing written")
        .isEqualTo(floor);
    assertThat(Files.readString(dir.resolve(SequenceFloor.FILE)).trim())
        .isEqualTo(Long.toString(floor));

    // The run has numbered more than half of what was reserved.
    long near = floor - SequenceFloor.RESERVED / 2;
    long extended = SequenceFloor.extend(dir, floor, near);
    assertThat(extended).isEqualTo(near + SequenceFloor.RESERVED);
    assertThat(Files.readString(dir.resolve(SequenceFloor.FILE)).trim())
        .isEqualTo(Long.toString(extended));

    // It went on past the old floor before it stopped; the clock is an hour behind at restart.
    long lastOfRun = floor + 1_000;
    assertThat(SequenceFloor.reserve(dir, NOW_MICROS - HOUR_MICROS)).isGreaterThan(lastOfRun);
  }

  @Test
  void whenTheFloorFileIsDamaged_thenTheErrorSaysWhereWhatAndHowToRecover() throws IOException {
    Files.writeString(dir.resolve(SequenceFloor.FILE), "garbage\n", StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> SequenceFloor.reserve(dir, NOW_MICROS))
        .isInstanceOf(IOException.class)
        .hasMessage(
            dir.resolve(SequenceFloor.FILE)
                + ": 'garbage' is not a sequence floor (expected: one decimal number; delete the"
                + " file to start from the clock)");
  }

  @Test
  void whenTheFloorLeavesNoRoom_thenItIsRefusedRatherThanWrapped() throws IOException {
    Files.writeString(
        dir.resolve(SequenceFloor.FILE),
        Long.toString(Long.MAX_VALUE - 5),
        StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> SequenceFloor.reserve(dir, NOW_MICROS))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("leaves no room for more sequences");
  }
}
