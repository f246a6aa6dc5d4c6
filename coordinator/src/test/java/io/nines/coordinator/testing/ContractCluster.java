package io.nines.coordinator.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.coordinator.store.jdbc.Database;
import io.nines.coordinator.store.jdbc.DatabaseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Two real members in this JVM, wired as the product wires a cluster with a database: every
 * alerting, agent and document map written behind to an H2 file. Started once, on first use, and
 * shared by the store contract suites, which each clear the maps they use; stopped when the JVM
 * ends. Sharing saves a cluster start (seconds on two cores) per suite.
 */
public final class ContractCluster {
  private static TestCluster cluster;
  private static final List<Database> databases = new ArrayList<>();

  private ContractCluster() {}

  /** The shared cluster, started on the first call. */
  public static synchronized TestCluster get() {
    if (cluster == null) {
      DatabaseOptions options;
      try {
        options = TestDatabases.h2(Files.createTempDirectory("nines-contract-cluster"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cluster =
          TestCluster.start(
              2,
              () -> {
                Database db = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
                databases.add(db);
                return db;
              });
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    cluster.close();
                    databases.forEach(Database::close);
                  },
                  "contract-cluster-stop"));
    }
    return cluster;
  }
}
