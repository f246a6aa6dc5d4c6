package io.nines.store.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.AgentInfo;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AgentRegistry} must do (its Javadoc, and what the heartbeat route relies on: it
 * records a heartbeat, then places checks from {@link AgentRegistry#all}, which must already hold
 * it); one subclass per implementation.
 */
abstract class AgentRegistryContract {
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00.123456789Z");

  AgentRegistry registry;

  /** A registry holding no agent; called before every test. */
  abstract AgentRegistry newRegistry() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    registry = newRegistry();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the registry did not answer within 20 s", e);
    }
  }

  static AgentRecord record(String id, Instant seen, int inFlight, long buffered) {
    return new AgentRecord(
        new AgentInfo(id, "eu", "probe-" + id + ".example", "1.4.2", 16), seen, inFlight, buffered);
  }

  @Test
  void whenNoAgentSentAHeartbeat_thenNoneIsKnown() {
    assertThat(await(registry.all())).isEmpty();
  }

  @Test
  void whenAnAgentSendsItsFirstHeartbeat_thenItIsRegisteredExactlyAsSentAndAllHoldsItAtOnce() {
    AgentRecord first = record("a1", T0, 3, 120);
    AgentRecord bare = new AgentRecord(new AgentInfo("a2", "us", null, null, 1), T0, 0, 0);

    await(registry.heartbeat(first));
    assertThat(await(registry.all()))
        .as("the heartbeat route places checks right after recording")
        .containsExactly(first);
    await(registry.heartbeat(bare));

    assertThat(await(registry.all())).containsExactlyInAnyOrder(first, bare);
  }

  @Test
  void whenAnAgentSendsAnotherHeartbeat_thenItsRecordIsReplacedNotAdded() {
    await(registry.heartbeat(record("a1", T0, 3, 120)));
    AgentRecord later =
        new AgentRecord(
            new AgentInfo("a1", "eu", "moved.example", "1.5.0", 32), T0.plusSeconds(10), 0, 0);

    await(registry.heartbeat(later));

    assertThat(await(registry.all())).containsExactly(later);
  }

  @Test
  void whenManyAgentsBeatAtOnce_thenEachIsKnownOnceWithItsLastHeartbeat() {
    List<Future<Void>> beats = new ArrayList<>();
    List<AgentRecord> last = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      beats.add(registry.heartbeat(record("a" + i, T0, 1, 1)));
    }
    beats.forEach(AgentRegistryContract::await);
    for (int i = 0; i < 30; i++) {
      AgentRecord r = record("a" + i, T0.plusSeconds(5), 0, i);
      last.add(r);
      beats.add(registry.heartbeat(r));
    }
    beats.forEach(AgentRegistryContract::await);

    assertThat(await(registry.all())).containsExactlyInAnyOrderElementsOf(last);
  }
}
