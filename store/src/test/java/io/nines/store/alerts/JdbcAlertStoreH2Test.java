package io.nines.store.alerts;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
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
