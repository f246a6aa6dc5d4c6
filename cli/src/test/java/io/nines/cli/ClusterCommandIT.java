package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nines.cli.FleetProcesses.Stored;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nines coordinator} as a cluster member, in a process of its own: it refuses to start
 * without the database all members share, and with PostgreSQL (the test peer) a member that stops
 * and starts again still has what its agent shipped.
 */
class ClusterCommandIT {
  @TempDir Path dir;
  private FleetProcesses fleet;

  @AfterEach
  void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  private Map<String, String> clusterEnv() throws Exception {
    int port = FleetProcesses.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("NINES_CLUSTER_NAME", "nines-it-" + UUID.randomUUID());
    env.put("NINES_CLUSTER_HOST", "127.0.0.1");
    env.put("NINES_CLUSTER_PORT", Integer.toString(port));
    env.put("NINES_CLUSTER_MEMBERS", "127.0.0.1:" + port);
    return env;
  }

  @Test
  void whenAMemberHasNoSharedDatabase_thenItRefusesToStartAndSaysWhatToSet() throws Exception {
    fleet = new FleetProcesses(dir, 1);

    Process p = fleet.launchCoordinator(clusterEnv());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the member exits").isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(fleet.lastLog("coordinator"))
        .contains("a cluster member needs the database all members share")
        .contains("NINES_DB_URL=jdbc:postgresql://")
        .contains("--in-memory");
  }

  @Test
  void whenAMemberOnPostgresStopsAndStarts_thenWhatItAcknowledgedIsStillThere() throws Exception {
    DatabaseOptions db = TestDatabases.freshPostgres();
    fleet = new FleetProcesses(dir, 2);
    Map<String, String> env = clusterEnv();
    env.put("NINES_DB_URL", db.url());
    env.put("NINES_DB_USER", db.user());

    fleet.startCoordinator(env);
    fleet.startAgent(50);
    await("results stored")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> fleet.allResults().size() >= 6);
    FleetProcesses.stop(fleet.agent, false);
    List<Stored> before = fleet.allResults();
    // A graceful stop writes the member's write-behind queue to the database.
    FleetProcesses.stop(fleet.coordinator, false);

    fleet.startCoordinator(env);

    assertThat(fleet.allResults()).containsExactlyInAnyOrderElementsOf(before);
  }
}
