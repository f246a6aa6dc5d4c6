package io.nines.coordinator.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.HazelcastInstance;
import io.nines.common.Checks;
import io.nines.coordinator.confighistory.ConfigHistory;
import io.nines.coordinator.heartbeat.Heartbeats;
import io.nines.coordinator.maintenance.MaintenanceRegistry;
import io.nines.coordinator.screenshots.DocumentsScreenshotStore;
import io.nines.store.ClusterBackend;
import io.nines.store.jdbc.Database;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/**
 * One running member of a coordinator cluster: a clustered {@link Vertx} whose cluster manager is
 * Hazelcast, and the one {@link HazelcastInstance} that both Vert.x (its clustered event bus and
 * shared data) and the coordinator's maps use.
 *
 * <pre>{@code
 * ClusterMember member = ClusterMember.start(ClusterOptions.fromEnvironment(System.getenv()),
 *     new VertxOptions()).await();
 * Coordinator coordinator = new Coordinator(CoordinatorOptions.builder()
 *     .cluster(member).agentTokens(tokens).fleet(fleet).meterRegistry(registry).build());
 * coordinator.start(member.vertx()).await();
 * // on shutdown:
 * coordinator.stop().eventually(member::close).await();
 * }</pre>
 *
 * <p>Thread-safe. {@link #start} does the blocking parts of starting Hazelcast (binding, joining)
 * on a Vert.x worker; it may be called from any thread.
 */
public final class ClusterMember {
  private static final Logger LOG = Logger.getLogger(ClusterMember.class.getName());

  /** The map of ad hoc maintenance windows: id to JSON, shared by every member. */
  public static final String MAINTENANCE_MAP = ClusterBackend.mapOf(MaintenanceRegistry.KIND);

  /** The map of applied configuration versions: sequence number to JSON. */
  public static final String CONFIG_MAP = ClusterBackend.mapOf(ConfigHistory.KIND);

  /** The map of failure screenshots: content id to JSON with the PNG in base64. */
  public static final String SCREENSHOT_MAP = ClusterBackend.mapOf(DocumentsScreenshotStore.KIND);

  /**
   * The documents' kinds of {@link #MAINTENANCE_MAP}, {@link #CONFIG_MAP} and {@link
   * #SCREENSHOT_MAP} in the database.
   */
  public static final String MAINTENANCE_KIND = MaintenanceRegistry.KIND;

  public static final String CONFIG_KIND = ConfigHistory.KIND;

  public static final String SCREENSHOT_KIND = DocumentsScreenshotStore.KIND;

  private final ClusterOptions options;
  private final Database database;
  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final ClusterBackend backend;
  private volatile String memberId;
  private final int port;

  private ClusterMember(
      ClusterOptions options, Database database, Vertx vertx, HazelcastInstance hazelcast) {
    this.options = options;
    this.database = database;
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.backend = new ClusterBackend(vertx, hazelcast, database);
    Member local = hazelcast.getCluster().getLocalMember();
    this.memberId = local.getUuid().toString();
    this.port = local.getAddress().getPort();
  }

  /**
   * Starts a member: a clustered Vert.x built from {@code vertxOptions} with Hazelcast as its
   * cluster manager, configured by {@link #hazelcastConfig(ClusterOptions)}. It joins the peers
   * that {@code options.members()} lists, or starts a cluster alone when none answers.
   *
   * @return a future of the member, failed when the port cannot be bound or Vert.x cannot start
   */
  public static Future<ClusterMember> start(ClusterOptions options, VertxOptions vertxOptions) {
    return start(options, vertxOptions, null);
  }

  /**
   * {@link #start(ClusterOptions, VertxOptions)} with the coordinator's maps backed by {@code
   * database}: raw results are written through to it before they are acknowledged; evaluations,
   * timeline history, alerting state, the outbox, ad hoc maintenance and configuration history are
   * written behind to it; and a member of a cluster that restarts whole loads what it holds. Every
   * member of a cluster must be started with the same database (or none). Close the member before
   * the database: a graceful stop writes what is still queued.
   *
   * @param database the durable store, opened by the caller; null for memory only
   */
  public static Future<ClusterMember> start(
      ClusterOptions options, VertxOptions vertxOptions, Database database) {
    return start(options, vertxOptions, database, true);
  }

  /**
   * {@link #start(ClusterOptions, VertxOptions, Database)}, choosing whether raw results are
   * written through to {@code database} before they are acknowledged (true, what every coordinator
   * does) or written behind with the rest (false: faster, but a crash of every member at once loses
   * the write-behind lag; kept for {@code bench/cluster} to measure the difference).
   */
  public static Future<ClusterMember> start(
      ClusterOptions options,
      VertxOptions vertxOptions,
      Database database,
      boolean writeThroughResults) {
    Checks.notNull(options, "options");
    Checks.notNull(vertxOptions, "vertxOptions");
    Config config;
    try {
      config = hazelcastConfig(options, database, writeThroughResults);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    HazelcastClusterManager manager = new RetryingClusterManager(config);
    return Vertx.builder()
        .with(vertxOptions)
        .withClusterManager(manager)
        .buildClustered()
        .map(
            vertx -> {
              ClusterMember m =
                  new ClusterMember(options, database, vertx, manager.getHazelcastInstance());
              LOG.info(
                  "cluster member "
                      + m.memberId()
                      + " at "
                      + m.hazelcast.getCluster().getLocalMember().getAddress()
                      + " joined cluster '"
                      + options.clusterName()
                      + "' of "
                      + m.memberCount()
                      + " member(s)");
              return m;
            });
  }

  /**
   * The Hazelcast configuration a member starts with, built in code: the cluster name; the timers
   * ({@link ClusterOptions#timers()}); the join (TCP-IP on {@code options.members()}, or Kubernetes
   * discovery) with multicast and auto-detection off; binding to {@code options.host()} only; no
   * shutdown hook (Vert.x shuts Hazelcast down when it closes); no phone home; JDK logging; the
   * maps Vert.x needs, and the stores' ({@link ClusterBackend#configure}).
   *
   * @throws IllegalArgumentException when {@code options.host()} does not resolve
   */
  public static Config hazelcastConfig(ClusterOptions options) {
    return hazelcastConfig(options, null);
  }

  /**
   * {@link #hazelcastConfig(ClusterOptions)} with the coordinator's maps written behind to {@code
   * database} (null for none): {@code nines.checks}, {@code nines.alerts}, {@code nines.outbox},
   * {@value #MAINTENANCE_MAP} and {@value #CONFIG_MAP}.
   */
  public static Config hazelcastConfig(ClusterOptions options, Database database) {
    return hazelcastConfig(options, database, true);
  }

  private static Config hazelcastConfig(
      ClusterOptions options, Database database, boolean writeThroughResults) {
    Config c = new Config();
    c.setClusterName(options.clusterName());
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.partition.count", Integer.toString(options.partitionCount()));
    ClusterTimers timers = options.timers();
    c.setProperty(ClusterTimers.HEARTBEAT_INTERVAL_PROPERTY, seconds(timers.heartbeatInterval()));
    c.setProperty(ClusterTimers.HEARTBEAT_TIMEOUT_PROPERTY, seconds(timers.heartbeatTimeout()));
    c.setProperty(
        ClusterTimers.MERGE_FIRST_RUN_DELAY_PROPERTY, seconds(timers.mergeFirstRunDelay()));
    c.setProperty(ClusterTimers.MERGE_NEXT_RUN_DELAY_PROPERTY, seconds(timers.mergeNextRunDelay()));
    options.properties().forEach(c::setProperty);

    NetworkConfig network = c.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(options.portAutoIncrement());
    network.getInterfaces().setEnabled(true).addInterface(address(options.host()));
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (options.kubernetes() == null) {
      join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    } else {
      join.getTcpIpConfig().setEnabled(false);
      KubernetesConfig k = join.getKubernetesConfig().setEnabled(true);
      options.kubernetes().hazelcastProperties(options.port()).forEach(k::setProperty);
    }

    // What vertx-hazelcast's default-cluster.xml declares for Vert.x's own structures.
    c.addMultiMapConfig(
        new MultiMapConfig("__vertx.subs")
            .setBackupCount(1)
            .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    c.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    c.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));

    ClusterBackend.configure(
        c,
        options.backupCount(),
        database,
        List.of(MAINTENANCE_KIND, CONFIG_KIND, Heartbeats.RUNS_KIND, SCREENSHOT_KIND),
        writeThroughResults);
    return c;
  }

  private static String seconds(Duration d) {
    return Long.toString(d.getSeconds());
  }

  /** Hazelcast's interface filter takes IP addresses only. */
  private static String address(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "host: '" + host + "' does not resolve (expected: an IPv4 address or a resolvable name)");
    }
  }

  /**
   * Leaves the cluster gracefully and closes Vert.x: Hazelcast hands this member's partitions to
   * the others first, so nothing is lost even without backups. A no-op once done.
   */
  public Future<Void> close() {
    return vertx.close();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The database the maps are written behind to, or null when they are memory only. */
  public Database database() {
    return database;
  }

  /** The member's Hazelcast instance, shared with Vert.x. */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * Whether this member owns {@code key}'s partition now: the one member that alerts on a service,
   * and exports its availability series. False while the partition has no owner (migrating).
   */
  public boolean ownsKey(String key) {
    var owner = hazelcast.getPartitionService().getPartition(key).getOwner();
    return owner != null && owner.localMember();
  }

  /**
   * The results store on this cluster's maps; the same data on every member. With a database it
   * holds each check's hot part only: {@link #results()} reads the rest from the database too.
   */
  public HazelcastResultStore store() {
    return backend.clusterResults();
  }

  /** The results as the coordinator reads them: {@code backend().results()}. */
  public ResultStore results() {
    return backend.results();
  }

  /** {@link HazelcastResultStore#evaluationsOnThisMember()} of this member. */
  public long evaluationsOnThisMember() {
    return backend.clusterResults().evaluationsOnThisMember();
  }

  /** Every store of this member, on the cluster's maps. */
  public ClusterBackend backend() {
    return backend;
  }

  public ClusterOptions options() {
    return options;
  }

  /**
   * This member's id (a UUID), as {@link io.nines.store.results.Evaluation#member()} names it.
   * Hazelcast gives a member a new id when it rejoins after a split brain; once the member has
   * stopped, this is the last id it had.
   */
  public String memberId() {
    if (running()) {
      try {
        memberId = hazelcast.getCluster().getLocalMember().getUuid().toString();
      } catch (RuntimeException stoppedMeanwhile) {
        // Keep the last known id.
      }
    }
    return memberId;
  }

  /** The port this member listens on for its peers (the real one when the options said 0). */
  public int port() {
    return port;
  }

  /** {@code host:port} of this member, as other members list it. */
  public String address() {
    return options.host() + ":" + port();
  }

  /** Whether Hazelcast is running on this member. */
  public boolean running() {
    return hazelcast.getLifecycleService().isRunning();
  }

  /** How many members the cluster has, as this member sees it; 0 once this member stopped. */
  public int memberCount() {
    return running() ? hazelcast.getCluster().getMembers().size() : 0;
  }
}
