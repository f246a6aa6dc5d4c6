package io.nines.coordinator.cluster;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** A full-cluster restart on an H2 file that every member (in this JVM) writes to. */
class FullClusterRestartH2IT extends FullClusterRestartContract {
  @TempDir Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir);
  }
}
