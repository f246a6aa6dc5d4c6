package io.nines.coordinator.api;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/** A single-process restart on an H2 file. */
class DurableRestartH2Test extends DurableRestartContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve("db"));
  }
}
