package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;

/** The agent's threads follow its probe loops, not Vert.x's server defaults. */
class AgentVertxOptionsTest {
  @Test
  void whenTheAgentHasTwoProbeLoops_thenItHasThreeEventLoopsAndFewBlockingThreads() {
    VertxOptions options = Agent.vertxOptions(2);

    assertThat(options.getEventLoopPoolSize()).isEqualTo(3);
    assertThat(options.getWorkerPoolSize()).isEqualTo(Agent.WORKER_THREADS).isLessThan(20);
    assertThat(options.getInternalBlockingPoolSize())
        .isEqualTo(Agent.INTERNAL_BLOCKING_THREADS)
        .isLessThan(20);
    assertThat(options.getPreferNativeTransport()).isTrue();
  }

  @Test
  void whenNoLoopCountIsGiven_thenThereIsOneProbeLoopPerCoreAndOneEventLoopMore() {
    int cores = Runtime.getRuntime().availableProcessors();

    assertThat(Agent.vertxOptions().getEventLoopPoolSize()).isEqualTo(cores + 1);
    assertThat(AgentOptions.defaults("a", "eu", java.util.List.of("http://c"), "t").probeLoops())
        .isEqualTo(cores);
  }

  @Test
  void whenThereAreNoProbeLoops_thenTheOptionsAreRefusedNamingTheCount() {
    assertThatThrownBy(() -> Agent.vertxOptions(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probeLoops: 0");
  }
}
