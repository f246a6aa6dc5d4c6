package io.nines.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.store.results.InMemoryResultStore;
import io.nines.store.testing.TestFleets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoordinatorOptionsTest {
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void whenOnlyTheEssentialsAreGiven_thenTheDefaultsAreSafe() {
    CoordinatorOptions o =
        CoordinatorOptions.builder()
            .agentTokens(Set.of("t0ken"))
            .fleet(TestFleets.fleet().build())
            .meterRegistry(registry)
            .build();

    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(CoordinatorOptions.DEFAULT_PORT);
    assertThat(o.bodyLimitBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(o.store()).isInstanceOf(InMemoryResultStore.class);
    assertThat(o.toString()).doesNotContain("t0ken");
  }

  @Test
  void whenNoTokenOrABadPortIsGiven_thenTheMessageSaysWhatWouldBeRight() {
    assertThatThrownBy(
            () ->
                CoordinatorOptions.builder()
                    .fleet(TestFleets.fleet().build())
                    .meterRegistry(registry)
                    .build())
        .hasMessageContaining("agentTokens: [] and no agentTokenFile (expected: a token file");
    assertThatThrownBy(
            () ->
                CoordinatorOptions.builder()
                    .port(70000)
                    .agentTokens(Set.of("t"))
                    .fleet(TestFleets.fleet().build())
                    .meterRegistry(registry)
                    .build())
        .hasMessage("port: 70000 (expected: 0 to 65535)");
  }

  @Test
  void whenABearerHeaderIsChecked_thenOnlyAConfiguredTokenPasses() {
    AgentAuth auth = new AgentAuth(Set.of("secret-1", "secret-2"), null);

    assertThat(auth.check("Bearer secret-1").ok()).isTrue();
    assertThat(auth.check("bearer secret-2").ok()).isTrue();
    assertThat(auth.check("Bearer secret-3").ok()).isFalse();
    assertThat(auth.check("Basic secret-1").ok()).isFalse();
    assertThat(auth.check("Bearer ").ok()).isFalse();
    assertThat(auth.check(null).ok()).isFalse();
  }
}
