package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The outbox contract on a single coordinator without a database. */
class InMemoryOutboxTest extends OutboxContract {
  @Override
  Outbox newOutbox() {
    return new InMemoryOutbox(1000);
  }

  @Test
  void whenOverCapacity_thenTheOldestFinishedEntriesGoAndUnfinishedOnesStay() {
    outbox = new InMemoryOutbox(2);
    enqueue(T0, notice("sent-1"), notice("sent-2"));
    take(T0, 10, 60);
    await(outbox.record("sent-1", sent(T0), null));
    await(outbox.record("sent-2", sent(T0), null));

    enqueue(T0.plusSeconds(1), notice("q-1"));
    enqueue(T0.plusSeconds(2), notice("q-2"), notice("q-3"));

    assertThat(keys(await(outbox.recent(100))))
        .as("the finished go first, oldest first; nothing waiting is dropped to make room")
        .containsExactlyInAnyOrder("q-1", "q-2", "q-3");
  }
}
