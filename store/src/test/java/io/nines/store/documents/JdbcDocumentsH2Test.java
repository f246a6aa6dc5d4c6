package io.nines.store.documents;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** Documents in an embedded H2 file. */
class JdbcDocumentsH2Test extends JdbcDocumentsContract {
  @TempDir static Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve(UUID.randomUUID().toString()));
  }
}
