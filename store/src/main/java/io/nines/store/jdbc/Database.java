package io.nines.store.jdbc;

import com.hazelcast.config.MapStoreConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.store.documents.Documents;
import io.nines.store.jdbc.internal.CheckLogMapStore;
import io.nines.store.jdbc.internal.CheckRepository;
import io.nines.store.jdbc.internal.DocumentMapStore;
import io.nines.store.jdbc.internal.DocumentRepository;
import io.nines.store.jdbc.internal.Retention;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The coordinator's durable store: a pool of JDBC connections to H2 or PostgreSQL whose schema is
 * brought up to date by Flyway's versioned migrations when it opens: those shared by both databases
 * ({@code db/migration/V*.sql}), then each database's own ({@code db/vendor/h2}, {@code
 * db/vendor/postgresql}: from V5, PostgreSQL partitions results and roll-ups by day). On
 * PostgreSQL, opening also creates the partitions of today and the next days.
 *
 * <p>Blocking throughout: open it, and call its methods, on a Vert.x worker or a thread of your
 * own, never on an event loop. Inside the cluster, JDBC runs in the checks map's MapStore, on
 * Hazelcast's own threads ({@link #mapStoreConfig}), and in the write-through of raw results, on a
 * Vert.x worker pool ({@code io.nines.store.results.WriteThroughResultStore}). Thread-safe.
 *
 * <pre>{@code
 * Database db = Database.open(DatabaseOptions.fromEnvironment(System.getenv()), registry,
 *     TimeSource.SYSTEM);                        // blocking: connects, migrates
 * ClusterMember member = ClusterMember.start(clusterOptions, vertxOptions, db).await();
 * ...
 * member.close().await();                        // flushes the write-behind queue
 * db.close();
 * }</pre>
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  private final DatabaseOptions options;
  private final HikariDataSource dataSource;
  private final CheckRepository repository;
  private final MeterRegistry registry;
  private final TimeSource timeSource;

  private Database(
      DatabaseOptions options,
      HikariDataSource dataSource,
      MeterRegistry registry,
      TimeSource timeSource) {
    this.options = options;
    this.dataSource = dataSource;
    this.registry = registry;
    this.timeSource = timeSource;
    this.repository = new CheckRepository(dataSource, options.url());
  }

  /**
   * Connects and applies the migrations the database lacks. Blocking.
   *
   * @param registry where the write-behind meters go
   * @param timeSource what the write-behind lag is measured with
   * @throws IllegalStateException when the database cannot be reached or a migration fails, naming
   *     the URL (without its password)
   */
  public static Database open(
      DatabaseOptions options, MeterRegistry registry, TimeSource timeSource) {
    Checks.notNull(options, "options");
    Checks.notNull(registry, "registry");
    Checks.notNull(timeSource, "timeSource");
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("nines-db");
    hikari.setJdbcUrl(options.url());
    if (!options.user().isEmpty()) {
      hikari.setUsername(options.user());
    }
    if (!options.password().isEmpty()) {
      hikari.setPassword(options.password());
    }
    hikari.setMaximumPoolSize(options.poolSize());
    hikari.setMinimumIdle(1);
    // Start without a connection; the migration below reports an unreachable database clearly.
    hikari.setInitializationFailTimeout(-1);
    HikariDataSource dataSource = new HikariDataSource(hikari);
    try {
      MigrateResult result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations(
                  "classpath:db/migration",
                  options.h2() ? "classpath:db/vendor/h2" : "classpath:db/vendor/postgresql")
              .failOnMissingLocations(true)
              .load()
              .migrate();
      LOG.info(
          "database "
              + DatabaseOptions.redact(options.url())
              + " at schema version "
              + (result.targetSchemaVersion != null
                  ? result.targetSchemaVersion
                  : result.initialSchemaVersion)
              + " ("
              + result.migrationsExecuted
              + " migration(s) applied now)");
    } catch (RuntimeException e) {
      dataSource.close();
      throw new IllegalStateException(
          "the database at "
              + DatabaseOptions.redact(options.url())
              + " could not be opened and migrated: "
              + e.getMessage(),
          e);
    }
    if (options.h2()) {
      writeEachCommit(dataSource, options);
    } else {
      preparePartitions(dataSource, options, timeSource);
    }
    return new Database(options, dataSource, registry, timeSource);
  }

  /**
   * Creates today's and the next days' partitions. A failure is logged, not thrown: rows for a day
   * without a partition go to the DEFAULT partition, and the retention task tries again.
   */
  private static void preparePartitions(
      DataSource dataSource, DatabaseOptions options, TimeSource timeSource) {
    try {
      new Retention(dataSource, options.url()).prepare(timeSource.now());
    } catch (SQLException e) {
      LOG.warning(
          "could not create the partitions of the next days in "
              + DatabaseOptions.redact(options.url())
              + " (rows go to the DEFAULT partitions until the retention task creates them): "
              + e.getMessage());
    }
  }

  /**
   * Makes H2 write each commit to its file before the commit returns. H2 keeps no redo log: by
   * default a background thread writes committed changes every 500 ms ({@code WRITE_DELAY}), so a
   * killed process loses what was committed since, although it was acknowledged. Measured here: of
   * 10,400 commits acknowledged before a {@code kill -9}, 428 were in the file. With {@code
   * WRITE_DELAY 0} every acknowledged commit survives a crash of the process (the operating system
   * holds the written pages; a power loss is another matter, see docs/storage.md). The setting is
   * persistent in the database file; it is set at every open anyway.
   */
  private static void writeEachCommit(DataSource dataSource, DatabaseOptions options) {
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute("SET WRITE_DELAY 0");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the database at "
              + DatabaseOptions.redact(options.url())
              + " refused SET WRITE_DELAY 0, without which a crash could lose acknowledged"
              + " results: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The checks map's MapStore: write-behind every {@link DatabaseOptions#writeDelay()} in batches
   * of at most {@link DatabaseOptions#writeBatchSize()}, coalescing the changes of one check, and
   * lazy initial loading (the first operation on the map loads every stored check). Give it to
   * {@code HazelcastResultStore.configure}; each member needs its own (call this once per member).
   */
  public MapStoreConfig mapStoreConfig() {
    return mapStoreConfig(false);
  }

  /**
   * {@link #mapStoreConfig()} for a checks map whose accepted raw results are written through
   * before they are applied (when {@code resultsWrittenThrough}): the store then writes only what
   * is not written through (refused sequences, evaluations, timeline history), and still loads
   * everything, the written-through results included.
   */
  public MapStoreConfig mapStoreConfig(boolean resultsWrittenThrough) {
    return new MapStoreConfig()
        .setEnabled(true)
        .setImplementation(
            new CheckLogMapStore(
                CheckRepository.hot(dataSource, options.url(), !resultsWrittenThrough),
                timeSource,
                registry))
        .setWriteDelaySeconds((int) options.writeDelay().getSeconds())
        .setWriteBatchSize(options.writeBatchSize())
        .setWriteCoalescing(true)
        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY);
  }

  /**
   * One kind of document in the {@code documents} table (alerting state, the outbox, ad hoc
   * maintenance, configuration history), written through: each write is committed when the call
   * returns. Blocking, like everything here.
   *
   * @param kind the collection, e.g. {@code alerts}
   */
  public Documents documents(String kind) {
    return new DocumentRepository(dataSource, options.url(), kind, timeSource);
  }

  /**
   * The MapStore of a cluster map of JSON strings kept as documents of {@code kind}: write-behind
   * every {@link DatabaseOptions#writeDelay()} in batches of at most {@link
   * DatabaseOptions#writeBatchSize()}, coalescing the writes of one key, and lazy initial loading
   * (the first operation on the map loads every stored document). Each member needs its own.
   */
  public MapStoreConfig documentMapStoreConfig(String kind) {
    return new MapStoreConfig()
        .setEnabled(true)
        .setImplementation(
            new DocumentMapStore(
                new DocumentRepository(dataSource, options.url(), kind, timeSource)))
        .setWriteDelaySeconds((int) options.writeDelay().getSeconds())
        .setWriteBatchSize(options.writeBatchSize())
        .setWriteCoalescing(true)
        .setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY);
  }

  /**
   * Removes raw results older than {@code rawRetention}, rolls per-minute roll-ups older than 30
   * days into per-hour ones, and removes roll-ups and timeline history older than {@code
   * rollupRetention}, as of {@code now}; on PostgreSQL by dropping whole day (month) partitions,
   * then creating the partitions of the next days ({@link Retention}). Blocking; run it on a worker
   * now and then (every few minutes): each run removes what expired since the last.
   *
   * @return how many rows went: raw results, refused sequences, evaluations, per-minute roll-ups
   *     (rolled into hours or expired), timeline history stretches, per-hour roll-ups
   */
  public long[] deleteExpired(Instant now, Duration rawRetention, Duration rollupRetention) {
    Checks.notNull(now, "now");
    Checks.notNull(rawRetention, "rawRetention");
    Checks.notNull(rollupRetention, "rollupRetention");
    try {
      return new Retention(dataSource, options.url()).expire(now, rawRetention, rollupRetention);
    } catch (SQLException e) {
      throw new IllegalStateException("deleting expired rows failed: " + e.getMessage(), e);
    }
  }

  /**
   * The roll-ups of {@code checkId} that start in {@code [from, to)}: per minute for the last 30
   * days, per hour before (see {@link Rollup#span()}), ordered by start then location. Blocking.
   */
  public List<Rollup> rollups(String checkId, Instant from, Instant to) {
    Checks.checkNotBlank(checkId, "checkId");
    Checks.notNull(from, "from");
    Checks.notNull(to, "to");
    try {
      return repository.rollups(checkId, from, to);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the roll-ups of '" + checkId + "' failed", e);
    }
  }

  /** The pool's data source, for the stores in this module. */
  public DataSource dataSource() {
    return dataSource;
  }

  public DatabaseOptions options() {
    return options;
  }

  public TimeSource timeSource() {
    return timeSource;
  }

  /** Closes the pool. Close the cluster members that write here first. */
  @Override
  public void close() {
    dataSource.close();
  }
}
