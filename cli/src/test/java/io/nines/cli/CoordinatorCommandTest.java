package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Option;

/** {@code nines coordinator} refuses to start until the operator decides who may read. */
class CoordinatorCommandTest {
  @TempDir Path dir;

  private Path tokens() throws Exception {
    Path file = dir.resolve("agent-tokens");
    Files.writeString(file, "");
    return file;
  }

  @Test
  void whenNeitherReadTokensNorPublicReadAreGiven_thenItRefusesToStartAndSaysWhatToGive()
      throws Exception {
    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--port",
            "0");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains("who may read the API is not decided")
        .contains("--read-token-file")
        .contains("--public-read");
  }

  @Test
  void whenBothReadTokensAndPublicReadAreGiven_thenItRefusesToStart() throws Exception {
    Path readers = dir.resolve("read-tokens");
    Files.writeString(readers, "# the dashboard\nread-token-0123456789\n");

    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--read-token-file",
            readers.toString(),
            "--public-read");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--public-read and read tokens were both given");
  }

  @Test
  void whenTheReadTokenFileHoldsNoToken_thenItRefusesToStart() throws Exception {
    Path readers = dir.resolve("read-tokens");
    Files.writeString(readers, "# nothing yet\n\n");

    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--read-token-file",
            readers.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("holds no token");
  }

  @Test
  void whenAClusterTimerIsWrong_thenItRefusesToStartNamingTheFlagAndTheVariable() throws Exception {
    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--public-read",
            "--in-memory",
            "--cluster-name",
            "c1",
            "--cluster-heartbeat-timeout",
            "500ms",
            "--cluster-merge-delay",
            "soon");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "error: --cluster-heartbeat-timeout (NINES_CLUSTER_HEARTBEAT_TIMEOUT) was '500ms' but"
                + " it must be a duration in whole seconds from 1s to 24h, such as 10s, 2m or"
                + " 1m30s")
        .contains("error: --cluster-merge-delay (NINES_CLUSTER_MERGE_DELAY) was 'soon' but");
  }

  @Test
  void whenClusterTimersAreGivenWithoutClusterMode_thenItSaysTheyOnlyApplyToAMember()
      throws Exception {
    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--public-read",
            "--cluster-heartbeat-timeout",
            "10s");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "--cluster-heartbeat-timeout (NINES_CLUSTER_HEARTBEAT_TIMEOUT) only apply to a cluster"
                + " member: give --cluster-members");
  }

  @Test
  void everyClusterSettingsLabelNamesARealFlagReadFromItsVariable() {
    Map<String, String> envOfFlag = new HashMap<>();
    for (Field f : CoordinatorCommand.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o != null) {
        for (String name : o.names()) {
          envOfFlag.put(name, o.defaultValue());
        }
      }
    }
    for (String env :
        new String[] {
          "NINES_CLUSTER_NAME",
          "NINES_CLUSTER_MEMBERS",
          "NINES_CLUSTER_HOST",
          "NINES_CLUSTER_PORT",
          "NINES_CLUSTER_BACKUPS",
          "NINES_CLUSTER_HEARTBEAT_INTERVAL",
          "NINES_CLUSTER_HEARTBEAT_TIMEOUT",
          "NINES_CLUSTER_MERGE_FIRST_DELAY",
          "NINES_CLUSTER_MERGE_DELAY",
          "NINES_CLUSTER_DISCOVERY",
          "NINES_CLUSTER_KUBERNETES_SERVICE_DNS",
          "NINES_CLUSTER_KUBERNETES_SERVICE_NAME",
          "NINES_CLUSTER_KUBERNETES_SERVICE_LABEL",
          "NINES_CLUSTER_KUBERNETES_POD_LABEL",
          "NINES_CLUSTER_KUBERNETES_NAMESPACE"
        }) {
      String flag = CoordinatorCommand.clusterLabel(env).split(" ")[0];
      assertThat(envOfFlag.get(flag)).as(flag).isEqualTo("${env:" + env + "}");
    }
  }
}
