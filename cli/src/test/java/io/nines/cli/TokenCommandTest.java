package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.coordinator.fleet.AgentTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nines token create|revoke --heartbeat}: tokens that may only ping one heartbeat. */
class TokenCommandTest {
  @TempDir Path dir;

  @Test
  void whenAHeartbeatTokenIsCreated_thenItIsBoundToTheHeartbeatAndIsNoAgentsToken()
      throws Exception {
    Path file = dir.resolve("tokens");
    Cli cli =
        Cli.run("token", "create", "--heartbeat", "nightly-backup", "--file", file.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    String token = cli.out().strip();
    assertThat(token).startsWith("nines_");
    assertThat(Files.readString(file)).contains(" heartbeat:nightly-backup").doesNotContain(token);
    AgentTokens tokens = AgentTokens.load(file);
    assertThat(tokens.identifyHeartbeat(token))
        .contains(new AgentTokens.HeartbeatIdentity("nightly-backup", false));
    assertThat(tokens.identify(token)).isEmpty();

    Cli revoke =
        Cli.run("token", "revoke", "--heartbeat", "nightly-backup", "--file", file.toString());
    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    assertThat(AgentTokens.load(file).identifyHeartbeat(token))
        .contains(new AgentTokens.HeartbeatIdentity("nightly-backup", true));
  }

  @Test
  void whenNeitherLocationNorHeartbeatIsGiven_thenItSaysWhichToGive() {
    Cli cli = Cli.run("token", "create", "--file", dir.resolve("t").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--location LOCATION").contains("--heartbeat ID");
  }
}
