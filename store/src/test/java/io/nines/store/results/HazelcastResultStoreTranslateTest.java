package io.nines.store.results;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import io.nines.store.StoreUnavailableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Which of Hazelcast's failures reach the agent as "unavailable, send it again". */
class HazelcastResultStoreTranslateTest {

  @Test
  void whenTheBackupDidNotAcknowledgeInTime_thenTheAgentIsToldToSendTheBatchAgain() {
    IndeterminateOperationStateException cause =
        new IndeterminateOperationStateException(
            "Invocation{op=EntryOperation} failed because backup acks missed.");

    Throwable translated = HazelcastResultStore.translate(new CompletionException(cause));

    assertThat(translated)
        .isInstanceOf(StoreUnavailableException.class)
        .hasCause(cause)
        .hasMessageContaining("IndeterminateOperationStateException")
        .hasMessageContaining("backup acks missed");
  }

  @Test
  void whenAValueCannotBeSerialized_thenItStaysABugAndIsNotRetried() {
    HazelcastSerializationException bug = new HazelcastSerializationException("no serializer");

    assertThat(HazelcastResultStore.translate(new CompletionException(bug))).isSameAs(bug);
  }
}
