package io.nines.store.checklog;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.availability.State;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Evaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-check state both stores keep; the store contract covers what callers see. */
class CheckLogTest {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");
  static final CheckRules RULES =
      new CheckRules(
          Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(60), new DownWhen(2));

  static Instant at(long secondsBeforeNow) {
    return NOW.minusSeconds(secondsBeforeNow);
  }

  static void assertSameState(CheckLog actual, CheckLog expected) {
    assertThat(actual.results()).isEqualTo(expected.results());
    assertThat(actual.evaluation()).isEqualTo(expected.evaluation());
    assertThat(actual.size()).isEqualTo(expected.size());
    assertThat(actual.history()).isEqualTo(expected.history());
    assertThat(actual.agents().keySet()).isEqualTo(expected.agents().keySet());
    expected
        .agents()
        .forEach(
            (agent, seqs) -> {
              assertThat(actual.agents().get(agent).watermark()).isEqualTo(seqs.watermark());
              assertThat(actual.agents().get(agent).above()).isEqualTo(seqs.above());
            });
  }

  @Test
  void whenABackupReplaysTheOwnersChanges_thenBothHoldTheSameStateAndOnlyTheOwnerEvaluated() {
    CheckLog owner = new CheckLog("home");
    CheckLog backup = new CheckLog("home");
    List<List<ProbeResult>> batches =
        List.of(
            List.of(ok("a", 1, "home", "eu", at(3700)), ok("a", 2, "home", "eu", at(120))),
            List.of(fail("a", 4, "home", "eu", at(60)), fail("b", 9, "home", "us", at(50))),
            List.of(
                fail("a", 4, "home", "eu", at(60)),
                ok("b", 10, "home", "us", NOW.plus(Duration.ofHours(1)))),
            List.of(ok("a", 5, "home", "eu", at(10))));

    int evaluations = 0;
    for (List<ProbeResult> batch : batches) {
      CheckLog.Applied applied = owner.apply(batch, RULES, NOW, "owner");
      if (applied.change() != null) {
        backup.replay(applied.change());
        evaluations += applied.change().evaluation() == null ? 0 : 1;
      }
    }

    assertSameState(backup, owner);
    assertThat(evaluations).isEqualTo(3);
    assertThat(owner.evaluation().count()).isEqualTo(3);
    assertThat(owner.evaluation().member()).isEqualTo("owner");
  }

  @Test
  void whenABatchOnlyRepeatsWhatWasApplied_thenThereIsNoChangeToBackUp() {
    CheckLog log = new CheckLog("home");
    List<ProbeResult> batch = List.of(ok("a", 1, "home", "eu", at(10)));
    log.apply(batch, RULES, NOW, "m");

    CheckLog.Applied again = log.apply(batch, RULES, NOW, "m");

    assertThat(again.outcome()).isEqualTo(new AppendOutcome(0, 1, List.of()));
    assertThat(again.change()).isNull();
  }

  @Test
  void
      whenABackupMissedTheChangeOfABatchSentAgain_thenTheReaffirmedDuplicatesGiveItTheOwnersCopy() {
    CheckLog owner = new CheckLog("home");
    CheckLog backup = new CheckLog("home");
    List<ProbeResult> first =
        List.of(ok("a", 1, "home", "eu", at(300)), fail("a", 2, "home", "eu", at(240)));
    backup.replay(owner.apply(first, RULES, NOW, "owner").change());
    List<ProbeResult> batch =
        List.of(fail("a", 3, "home", "eu", at(180)), ok("a", 4, "home", "eu", at(120)));
    // Its change never reaches the backup (which did not acknowledge); the agent sends it again.
    owner.apply(batch, RULES, NOW, "owner");
    assertThat(owner.apply(batch, RULES, NOW, "owner").change()).isNull();

    CheckLog.Change reaffirmed =
        owner.reaffirm(batch, NOW.minus(RULES.retention()), NOW.minus(RULES.rollupRetention()));
    backup.replay(reaffirmed);

    assertThat(reaffirmed.evaluation()).isNull();
    assertThat(backup.results()).isEqualTo(owner.results());
    assertThat(backup.history()).isEqualTo(owner.history());
    assertThat(backup.agents().get("a").watermark()).isEqualTo(4);
    // Made again on a copy that has it, it changes nothing.
    CheckLog before = backup.copy();
    backup.replay(reaffirmed);
    assertSameState(backup, before);
  }

  @Test
  void whenNoneOfABatchIsHeld_thenThereIsNothingToReaffirm() {
    CheckLog log = new CheckLog("home");
    log.apply(List.of(ok("a", 1, "home", "eu", at(10))), RULES, NOW, "m");

    assertThat(
            log.reaffirm(
                List.of(ok("a", 2, "home", "eu", at(5)), ok("b", 1, "home", "eu", at(10))),
                NOW.minus(RULES.retention()),
                NOW.minus(RULES.rollupRetention())))
        .isNull();
  }

  @Test
  void whenAResultOfAnotherCheckIsGiven_thenNothingIsChangedAndTheMessageNamesIt() {
    CheckLog log = new CheckLog("home");

    assertThatThrownBy(
            () ->
                log.apply(
                    List.of(ok("a", 1, "home", "eu", at(10)), ok("a", 2, "x", "eu", at(5))),
                    RULES,
                    NOW,
                    "m"))
        .hasMessage("results: a/2 is a result of check 'x' (expected: only results of 'home')");
    assertThat(log.size()).isZero();
    assertThat(log.evaluation()).isNull();
  }

  @Test
  void whenTwoHistoriesOfASplitClusterAreMerged_thenTheUnionIsKeptOnce() {
    CheckLog left = new CheckLog("home");
    CheckLog right = new CheckLog("home");
    ProbeResult both = ok("a", 1, "home", "eu", at(100));
    left.apply(List.of(both, ok("a", 2, "home", "eu", at(70))), RULES, at(60), "left");
    right.apply(List.of(both), RULES, at(90), "right");
    right.apply(List.of(fail("b", 1, "home", "us", at(40))), RULES, at(30), "right");

    CheckLog merged = CheckLogMergePolicy.union(left, right);

    assertThat(merged.results()).extracting(ProbeResult::id).containsExactly("a/1", "a/2", "b/1");
    assertThat(merged.evaluation().member()).as("the later evaluation").isEqualTo("right");
    assertThat(merged.evaluation().count()).isEqualTo(2);
    assertThat(left.size()).as("the inputs are untouched").isEqualTo(2);
    assertThat(
            merged
                .apply(List.of(ok("a", 2, "home", "eu", at(70)), both), RULES, NOW, "m")
                .outcome()
                .duplicates())
        .isEqualTo(2);
  }

  @Test
  void whenResultsLeaveTheRetention_thenTheirSequencesStayConsumed() {
    CheckLog log = new CheckLog("home");
    log.apply(List.of(ok("a", 1, "home", "eu", at(120))), RULES, NOW, "m");

    int dropped = log.retainFrom(at(60));

    assertThat(dropped).isEqualTo(1);
    assertThat(log.size()).isZero();
    assertThat(log.resultsByLocation(at(1000), NOW)).isEqualTo(Map.of());
    assertThat(log.agents().get("a").watermark()).isEqualTo(1);
  }

  @Test
  void whenAStateHolds_thenSinceStaysAtItsFirstEvaluation() {
    Evaluation first = Evaluation.next(null, State.UP, at(60), "m");
    Evaluation second = Evaluation.next(first, State.UP, at(30), "n");
    Evaluation third = Evaluation.next(second, State.DOWN, at(10), "n");

    assertThat(second.since()).isEqualTo(at(60));
    assertThat(second.count()).isEqualTo(2);
    assertThat(third.since()).isEqualTo(at(10));
    assertThat(third.count()).isEqualTo(3);
  }
}
