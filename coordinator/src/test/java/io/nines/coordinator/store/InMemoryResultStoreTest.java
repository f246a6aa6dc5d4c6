package io.nines.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InMemoryResultStoreTest extends ResultStoreContract {

  @Override
  ResultStore newStore() {
    return new InMemoryResultStore();
  }

  @Test
  void whenSequencesAreContiguous_thenOnlyTheWatermarkIsKept() {
    InMemoryResultStore.AppliedSequences seen = new InMemoryResultStore.AppliedSequences();

    for (long s = 1; s <= 1000; s++) {
      assertThat(seen.add(s)).isTrue();
    }

    assertThat(seen.watermark()).isEqualTo(1000);
    assertThat(seen.outOfOrder()).isZero();
    assertThat(seen.add(500)).isFalse();
  }

  @Test
  void whenAGapStaysOpenTooLong_thenTheWatermarkJumpsItAndMemoryStaysBounded() {
    InMemoryResultStore.AppliedSequences seen = new InMemoryResultStore.AppliedSequences();
    seen.add(1);

    // Sequence 2 never comes.
    for (long s = 3; s <= InMemoryResultStore.MAX_OUT_OF_ORDER + 3; s++) {
      seen.add(s);
    }

    assertThat(seen.outOfOrder()).isZero();
    assertThat(seen.watermark()).isEqualTo(InMemoryResultStore.MAX_OUT_OF_ORDER + 3);
    assertThat(seen.add(2)).as("a result from the jumped gap counts as a duplicate").isFalse();
  }
}
