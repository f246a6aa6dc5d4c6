package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.Promtool;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The example rules in {@code deploy/prometheus/} are valid ({@code promtool check rules}) and do
 * what their comments say on synthetic series ({@code promtool test rules}).
 */
class PrometheusRulesExampleTest {
  static final Path DIR = Path.of("..", "deploy", "prometheus").toAbsolutePath().normalize();

  @Test
  void whenPromtoolChecksTheExampleRules_thenItFindsNothing() throws Exception {
    Promtool.Verdict verdict = Promtool.run(DIR, "check", "rules", "nines.rules.yml");

    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
    assertThat(verdict.output()).contains("SUCCESS: 8 rules found");
  }

  @Test
  void whenPromtoolTestsTheExampleRules_thenEveryAlertFiresAsWritten() throws Exception {
    Promtool.Verdict verdict = Promtool.run(DIR, "test", "rules", "nines.rules.test.yml");

    assertThat(verdict.exitCode()).as(verdict.output()).isZero();
    assertThat(verdict.output()).contains("SUCCESS");
  }
}
