package io.nines.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTokensTest {
  @TempDir Path dir;

  @Test
  void whenATokenIsCreated_thenOnlyItsHashIsStoredAndItIdentifiesItsAgent() throws Exception {
    Path file = dir.resolve("tokens");
    AgentTokens.Created a = AgentTokens.create("eu-west-1", "eu-west");
    AgentTokens.Created b = AgentTokens.create("us-east-1", "us-east");
    AgentTokens.append(file, a);
    AgentTokens.append(file, b);
    assertThat(Files.readString(file)).doesNotContain(a.token()).doesNotContain(b.token());
    AgentTokens tokens = AgentTokens.load(file);
    assertThat(tokens.identify(a.token()))
        .contains(new AgentTokens.Identity("eu-west-1", "eu-west", false));
    assertThat(tokens.identify(b.token()).orElseThrow().agentId()).isEqualTo("us-east-1");
    assertThat(tokens.identify("nines_wrong")).isEmpty();
  }

  @Test
  void whenAnAgentIsRevoked_thenItsTokenIsMarkedRevoked() throws Exception {
    Path file = dir.resolve("tokens");
    AgentTokens.Created a = AgentTokens.create("eu-west-1", "eu-west");
    AgentTokens.append(file, a);
    assertThat(AgentTokens.revoke(file, "eu-west-1")).isEqualTo(1);
    assertThat(AgentTokens.load(file).identify(a.token()).orElseThrow().revoked()).isTrue();
    AgentAuth auth = new AgentAuth(java.util.Set.of(), null);
    assertThat(auth.check("Bearer " + a.token()).ok()).isFalse();
  }

  @Test
  void whenALineIsMalformed_thenTheErrorNamesFileAndLine() throws Exception {
    Path file = dir.resolve("tokens");
    Files.writeString(file, "# tokens\nsha256:abc eu-west-1 eu-west\n");
    assertThatThrownBy(() -> AgentTokens.load(file))
        .hasMessageContaining("tokens:2")
        .hasMessageContaining("sha256:<64 hex digits> <agent-id> <location> [revoked]");
  }

  @Test
  void whenAnIdIsNotLowercase_thenCreateRefusesIt() {
    assertThatThrownBy(() -> AgentTokens.create("EU West", "eu-west"))
        .hasMessageContaining("agent id was 'EU West'");
  }
}
