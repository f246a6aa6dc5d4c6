package io.nines.store.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;

/**
 * One database for a contract test, which can be closed and opened again on the same data, as a
 * restart of the coordinator would.
 */
public final class ReopenableDatabase implements AutoCloseable {
  private final DatabaseOptions options;
  private Database database;

  public ReopenableDatabase(DatabaseOptions options) {
    this.options = options;
    this.database = open();
  }

  private Database open() {
    return Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
  }

  /** The database as open now. */
  public Database get() {
    return database;
  }

  /** Closes the database and opens it again on the same data. */
  public Database reopen() {
    database.close();
    database = open();
    return database;
  }

  @Override
  public void close() {
    database.close();
  }
}
