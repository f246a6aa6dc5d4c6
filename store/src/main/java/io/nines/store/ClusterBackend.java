package io.nines.store;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import io.nines.common.Checks;
import io.nines.config.Fleet;
import io.nines.store.agents.AgentRegistry;
import io.nines.store.agents.HazelcastAgentRegistry;
import io.nines.store.alerts.AlertStore;
import io.nines.store.alerts.HazelcastAlertStore;
import io.nines.store.alerts.HazelcastOutbox;
import io.nines.store.alerts.Outbox;
import io.nines.store.documents.Documents;
import io.nines.store.documents.HazelcastDocuments;
import io.nines.store.internal.ClusterCalls;
import io.nines.store.jdbc.Database;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.results.ResultStore;
import io.nines.store.results.TieredResultStore;
import io.nines.store.results.WriteThroughResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A member of a Hazelcast cluster: every store is a cluster map with a synchronous backup, shared
 * by all members, and written behind to a {@link Database} when the member has one (see
 * docs/storage.md and docs/cluster.md); except raw results, which are written through to it before
 * they are acknowledged ({@link WriteThroughResultStore}). A member's configuration declares the
 * maps with {@link #configure} before Hazelcast starts; the backend then works on the running
 * instance.
 */
public final class ClusterBackend implements Backend {
  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Database database;
  private final HazelcastResultStore clusterResults;
  private final TieredResultStore tiered;
  private final ResultStore results;
  private volatile Outbox outbox;
  private volatile AlertStore alertStore;
  private volatile AgentRegistry agents;
  private final LongAdder callTimeouts = new LongAdder();

  /**
   * A backend on a running member.
   *
   * @param vertx the member's Vert.x (where answers from the cluster come back)
   * @param hazelcast the member's instance, configured by {@link #configure}
   * @param database the database its maps are written behind to, or null for memory only
   */
  public ClusterBackend(Vertx vertx, HazelcastInstance hazelcast, Database database) {
    this.vertx = Checks.notNull(vertx, "vertx");
    this.hazelcast = Checks.notNull(hazelcast, "hazelcast");
    this.database = database;
    this.clusterResults = new HazelcastResultStore(hazelcast, vertx);
    Object writeThrough = hazelcast.getConfig().getUserContext().get(WRITE_THROUGH_KEY);
    Checks.checkArgument(
        database != null || writeThrough == null,
        "database: null while the member was configured to write results through to one"
            + " (expected: the database given to ClusterBackend.configure)");
    ResultStore writes =
        Boolean.TRUE.equals(writeThrough)
            ? new WriteThroughResultStore(clusterResults, database, vertx)
            : clusterResults;
    // With a database the checks map holds only each check's hot part; reads merge in the rest.
    this.tiered =
        database == null ? null : new TieredResultStore(clusterResults, writes, database, vertx);
    this.results = tiered != null ? tiered : writes;
  }

  /**
   * The user-context key under which {@link #configure} records whether results are written
   * through.
   */
  static final String WRITE_THROUGH_KEY = "nines.store.writeThrough";

  /** The name of the cluster map that holds the documents of {@code kind}: {@code nines.<kind>}. */
  public static String mapOf(String kind) {
    Checks.notNull(kind, "kind");
    return "nines." + kind;
  }

  /**
   * Declares every map the stores use in a member's {@code config}: the checks map with {@code
   * backupCount} synchronous backups ({@link HazelcastResultStore#configure}), alerting state and
   * the outbox, and one map per document kind ({@link #mapOf}) with one synchronous backup; each
   * written behind to {@code database} when it is not null, except raw results, which are written
   * through to it. Every member of a cluster must declare the same.
   *
   * @param documentKinds the kinds {@link #documents} will be asked for
   * @return {@code config}
   */
  public static Config configure(
      Config config, int backupCount, Database database, Collection<String> documentKinds) {
    return configure(config, backupCount, database, documentKinds, true);
  }

  /**
   * {@link #configure(Config, int, Database, Collection)}, choosing how raw results reach {@code
   * database}: written through before each append is acknowledged ({@code writeThrough}, what a
   * coordinator does), or written behind with everything else, which acknowledges faster but loses
   * the write-behind lag if every member dies at once (kept to measure the difference, see
   * bench/cluster). Ignored without a database.
   */
  public static Config configure(
      Config config,
      int backupCount,
      Database database,
      Collection<String> documentKinds,
      boolean writeThrough) {
    Checks.notNull(config, "config");
    Checks.notNull(documentKinds, "documentKinds");
    boolean through = database != null && writeThrough;
    HazelcastResultStore.configure(
        config, backupCount, database == null ? null : database.mapStoreConfig(through));
    if (through) {
      config.getUserContext().put(WRITE_THROUGH_KEY, Boolean.TRUE);
    }
    HazelcastAlertStore.configure(
        config,
        database == null ? null : database.documentMapStoreConfig(HazelcastAlertStore.KIND));
    HazelcastOutbox.configure(
        config, database == null ? null : database.documentMapStoreConfig(HazelcastOutbox.KIND));
    for (String kind : documentKinds) {
      MapConfig mc = new MapConfig(mapOf(kind)).setBackupCount(1).setAsyncBackupCount(0);
      if (database != null) {
        mc.setMapStoreConfig(database.documentMapStoreConfig(kind));
      }
      config.addMapConfig(mc);
    }
    return config;
  }

  @Override
  public String mode() {
    return "cluster";
  }

  /**
   * The results: with a database, a {@link TieredResultStore} (the checks map holds each check's
   * hot part, the database the rest, see docs/storage.md) whose appends go through a {@link
   * WriteThroughResultStore} when the member was configured to write results through; without one,
   * the {@link HazelcastResultStore}, whose map then holds all of {@code retention.raw}.
   */
  @Override
  public ResultStore results() {
    return results;
  }

  /** The cluster's own store, on the checks map (the hot part, without the database step). */
  public HazelcastResultStore clusterResults() {
    return clusterResults;
  }

  /**
   * The cluster map {@link #mapOf mapOf(kind)}; declare it with {@link #configure}. Each call waits
   * at most {@link HazelcastDocuments#DEFAULT_TIMEOUT} for the cluster; those that took longer are
   * counted in {@link #callTimeouts()}.
   */
  @Override
  public Documents documents(String kind) {
    return new HazelcastDocuments(
        hazelcast.getMap(mapOf(kind)), HazelcastDocuments.DEFAULT_TIMEOUT, callTimeouts);
  }

  /**
   * How many calls to the document maps, the alerting state and the outbox gave up waiting for the
   * cluster ({@link HazelcastDocuments#DEFAULT_TIMEOUT}, {@link ClusterCalls#TIMEOUT}).
   */
  public long callTimeouts() {
    return callTimeouts.sum();
  }

  @Override
  public Database database() {
    return database;
  }

  /** The member's instance. */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * Builds the stores on the cluster's maps; they load lazily, when the cluster first touches each
   * map. {@code vertx} must be the member's.
   */
  @Override
  public Future<Void> start(Vertx vertx, Supplier<Fleet> fleet) {
    Checks.notNull(fleet, "fleet");
    Checks.checkArgument(
        vertx == this.vertx,
        "vertx: not the cluster member's (expected: the Vert.x the member runs on)");
    HazelcastOutbox o = new HazelcastOutbox(vertx, hazelcast, callTimeouts);
    outbox = o;
    alertStore = new HazelcastAlertStore(vertx, hazelcast, fleet, o, callTimeouts);
    agents = new HazelcastAgentRegistry(vertx, hazelcast);
    return Future.succeededFuture();
  }

  @Override
  public Outbox outbox() {
    return Backends.started(outbox);
  }

  @Override
  public AlertStore alertStore() {
    return Backends.started(alertStore);
  }

  @Override
  public AgentRegistry agents() {
    return Backends.started(agents);
  }

  /**
   * Closes the read layer's worker pool; the maps belong to the member, which closes them when it
   * leaves, and the write-through's worker pool to the member's Vert.x, which closes it when it
   * closes.
   */
  @Override
  public Future<Void> close() {
    if (tiered != null) {
      tiered.close();
    }
    return Future.succeededFuture();
  }
}
