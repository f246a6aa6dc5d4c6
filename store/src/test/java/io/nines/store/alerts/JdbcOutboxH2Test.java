package io.nines.store.alerts;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** The durable single-process outbox on an embedded H2 file. */
class JdbcOutboxH2Test extends JdbcOutboxContract {
  @TempDir static Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve(UUID.randomUUID().toString()));
  }
}
