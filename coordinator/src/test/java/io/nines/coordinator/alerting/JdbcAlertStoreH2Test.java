package io.nines.coordinator.alerting;

import io.nines.coordinator.store.jdbc.DatabaseOptions;
import io.nines.coordinator.testing.TestDatabases;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The durable single-process alert store on an embedded H2 file. */
class JdbcAlertStoreH2Test extends JdbcAlertStoreContract {
  @TempDir static Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve(UUID.randomUUID().toString()));
  }
}
