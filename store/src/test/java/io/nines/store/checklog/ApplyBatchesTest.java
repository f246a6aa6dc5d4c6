package io.nines.store.checklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import io.nines.store.results.HazelcastResultStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApplyBatchesTest {

  /**
   * Why {@link ApplyBatches} exists instead of one {@code IMap.submitToKeys}: the operation that
   * runs it backs up asynchronously, so it would acknowledge results only their owner holds. If a
   * Hazelcast upgrade makes this fail, {@code submitToKeys} may have become usable for writes.
   */
  @Test
  void whenHazelcastRunsSubmitToKeys_thenItsBackupsAreAsynchronous() {
    assertThat(new MultipleEntryOperation().getSyncBackupCount()).isZero();
  }

  @Test
  void whenChecksAndProcessorsDoNotPair_thenTheTaskIsRefusedWithBothCounts() {
    assertThatThrownBy(
            () -> new ApplyBatches(HazelcastResultStore.MAP_NAME, List.of("a", "b"), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 processors for 2 checks");
  }
}
