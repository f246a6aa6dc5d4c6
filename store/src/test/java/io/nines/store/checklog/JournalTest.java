package io.nines.store.checklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JournalTest {
  static final Instant T0 = Instant.parse("2026-04-10T12:00:00Z");

  static PendingChange change(String checkId, int second) {
    return new PendingChange(
        checkId,
        new CheckLog.Change(List.of(), List.of(), Instant.EPOCH, null),
        T0.plusSeconds(second));
  }

  @Test
  void whenAWriterDrainsAndFails_thenItsChangesGoBackBeforeThoseRecordedSince() {
    Journal journal = new CheckLog("home").journal();
    journal.record(change("home", 1));
    journal.record(change("home", 2));

    List<PendingChange> taken = journal.drain();
    assertThat(journal.pending()).isEmpty();
    journal.record(change("home", 3));
    journal.restore(taken);

    assertThat(journal.pending())
        .extracting(PendingChange::at)
        .containsExactly(T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(3));
  }

  @Test
  void whenChangesAreOlderThanTheCutOff_thenTheyAreForgotten() {
    Journal journal = new CheckLog("home").journal();
    journal.record(change("home", 1));
    journal.record(change("home", 5));

    journal.forgetBefore(T0.plusSeconds(5));

    assertThat(journal.pending()).extracting(PendingChange::at).containsExactly(T0.plusSeconds(5));
  }

  @Test
  void whenChangesAreOutOfOrder_thenEveryOneOlderThanTheCutOffIsForgottenAndNoNewerOne() {
    Journal journal = new CheckLog("home").journal();
    journal.record(change("home", 1));
    journal.record(change("home", 6));
    journal.record(change("home", 2)); // made with an earlier "now"
    journal.record(change("home", 7));

    journal.forgetBefore(T0.plusSeconds(5));

    assertThat(journal.pending())
        .extracting(PendingChange::at)
        .containsExactly(T0.plusSeconds(6), T0.plusSeconds(7));

    List<PendingChange> taken = journal.drain();
    journal.record(change("home", 3));
    journal.restore(taken); // 6, 7 before 3
    journal.forgetBefore(T0.plusSeconds(4));

    assertThat(journal.pending())
        .extracting(PendingChange::at)
        .containsExactly(T0.plusSeconds(6), T0.plusSeconds(7));
  }

  @Test
  void whenAChangeOfAnotherCheckIsRecorded_thenItIsRefusedNamingBoth() {
    Journal journal = new CheckLog("home").journal();

    assertThatThrownBy(() -> journal.record(change("cart", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cart'")
        .hasMessageContaining("'home'");
  }

  @Test
  void whenALogIsCopied_thenItsJournalIsCopiedAndIndependent() {
    CheckLog log = new CheckLog("home");
    log.journal().record(change("home", 1));

    CheckLog copy = log.copy();
    copy.journal().drain();

    assertThat(log.journal().pending()).hasSize(1);
    assertThat(copy.journal().pending()).isEmpty();
  }
}
