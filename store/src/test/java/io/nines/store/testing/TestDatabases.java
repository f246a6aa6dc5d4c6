package io.nines.store.testing;

import io.nines.store.jdbc.DatabaseOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Databases for tests: an H2 file in a folder the test owns, or a fresh schema on the real
 * PostgreSQL that {@code scripts/test-peers} started (its URL is in {@code
 * target/test-peers.properties} at the repository root, or in the environment variable {@value
 * #ENV_URL}).
 *
 * <p>Where PostgreSQL can't be had, its tests are skipped with the reason, except under {@code
 * CI=true}, where a missing peer is a failure.
 */
public final class TestDatabases {
  /** Overrides the properties file: a JDBC URL of a PostgreSQL database tests may create in. */
  public static final String ENV_URL = "NINES_TEST_POSTGRES_URL";

  private TestDatabases() {}

  /** An H2 database in {@code dir}, written behind every second. */
  public static DatabaseOptions h2(Path dir) {
    return DatabaseOptions.builder()
        .url(DatabaseOptions.h2Url(dir))
        .writeDelay(Duration.ofSeconds(1))
        .poolSize(2)
        .build();
  }

  /**
   * A schema of its own on the test PostgreSQL, empty, as options whose URL selects it; skips (or
   * fails under CI) when there is no PostgreSQL.
   */
  public static DatabaseOptions freshPostgres() {
    String base = postgresUrl();
    String user = postgresUser();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(base, user, "");
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      unavailable("the PostgreSQL at " + base + " refused a connection: " + e.getMessage());
    }
    String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    return DatabaseOptions.builder()
        .url(url)
        .user(user)
        .writeDelay(Duration.ofSeconds(1))
        .poolSize(2)
        .build();
  }

  private static String postgresUrl() {
    String env = System.getenv(ENV_URL);
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    Properties peers = peers();
    String url = peers.getProperty("postgresql", "missing");
    if (url.equals("missing") || url.isBlank()) {
      unavailable(
          "no PostgreSQL: scripts/test-peers recorded none in "
              + peersFile()
              + " (run scripts/test-peers as root to install and start one, or set "
              + ENV_URL
              + ")");
    }
    return url;
  }

  private static String postgresUser() {
    String env = System.getenv("NINES_TEST_POSTGRES_USER");
    return env != null && !env.isBlank()
        ? env.trim()
        : peers().getProperty("postgresql.user", "postgres");
  }

  private static Properties peers() {
    Properties p = new Properties();
    Path file = peersFile();
    if (file != null && Files.isRegularFile(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        unavailable("cannot read " + file + ": " + e.getMessage());
      }
    }
    return p;
  }

  /** {@code target/test-peers.properties} of the repository this test runs in. */
  static Path peersFile() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/test-peers"))) {
        return dir.resolve("target/test-peers.properties");
      }
    }
    return null;
  }

  private static void unavailable(String reason) {
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + reason);
    }
    System.err.println("SKIPPED (PostgreSQL peer missing): " + reason);
    Assumptions.abort(reason);
  }
}
