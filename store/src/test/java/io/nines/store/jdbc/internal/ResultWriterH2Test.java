package io.nines.store.jdbc.internal;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

class ResultWriterH2Test extends ResultWriterContract {
  @Override
  DatabaseOptions freshDatabase() {
    try {
      return TestDatabases.h2(Files.createTempDirectory("nines-result-writer"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
