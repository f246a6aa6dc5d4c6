package io.nines.store.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable single-process store on an embedded H2 file. */
class JdbcResultStoreH2Test extends JdbcResultStoreContract {
  @TempDir Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve(UUID.randomUUID().toString()));
  }

  @Test
  void whenH2Opens_thenEachCommitIsWrittenToTheFileBeforeItReturns() throws Exception {
    // H2's default (500 ms) loses acknowledged commits when the process is killed; DeliveryIT
    // shows the consequence with a real kill -9.
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                    + " WHERE SETTING_NAME = 'WRITE_DELAY'")) {
      assertThat(r.next()).as("H2 reports its WRITE_DELAY").isTrue();
      assertThat(r.getString(1)).isEqualTo("0");
    }
  }
}
