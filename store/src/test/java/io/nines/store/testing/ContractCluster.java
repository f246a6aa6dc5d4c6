package io.nines.store.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two real members in this JVM, wired as the product wires a cluster with a database: every map
 * written behind to an H2 file ({@link io.nines.store.ClusterBackend#configure}). Started once, by
 * the first suite that extends with it, shared by the store contract suites (each clears the maps
 * it uses), and stopped when the test run ends. Sharing saves a cluster start (seconds on two
 * cores) per suite.
 */
public final class ContractCluster implements BeforeAllCallback {
  private static StoreCluster cluster;
  private static final List<Database> databases = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(
            ContractCluster.class,
            k -> {
              start();
              return (AutoCloseable) ContractCluster::stop;
            },
            AutoCloseable.class);
  }

  /** The shared cluster; the suite must extend with {@link ContractCluster}. */
  public static synchronized StoreCluster get() {
    if (cluster == null) {
      throw new IllegalStateException(
          "no contract cluster: annotate the suite with @ExtendWith(ContractCluster.class)");
    }
    return cluster;
  }

  private static synchronized void start() {
    DatabaseOptions options;
    try {
      options = TestDatabases.h2(Files.createTempDirectory("nines-contract-cluster"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    cluster =
        StoreCluster.start(
            2,
            () -> {
              Database db = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
              databases.add(db);
              return db;
            });
  }

  private static synchronized void stop() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
    databases.forEach(Database::close);
    databases.clear();
  }
}
