package io.nines.store.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.record.Record;
import com.hazelcast.map.impl.recordstore.RecordStore;
import com.hazelcast.spi.impl.NodeEngineImpl;
import com.hazelcast.spi.impl.PartitionSpecificRunnable;
import io.nines.common.ProbeResult;
import io.nines.store.ClusterBackend;
import io.nines.store.checklog.CheckLog;
import io.nines.store.jdbc.Database;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.results.ResultStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Real Hazelcast members in this JVM for the store's cluster tests, configured as a coordinator's
 * members configure their maps ({@link ClusterBackend#configure}): a random cluster name, 127.0.0.1
 * only, ports chosen by the system, TCP-IP join on the first member, no multicast. Each member has
 * a Vert.x of its own (not clustered: the stores use Hazelcast directly) and a {@link
 * ClusterBackend}.
 */
public final class StoreCluster implements AutoCloseable {
  /** The document kinds the tests use, as the coordinator declares its own. */
  public static final Set<String> DOCUMENT_KINDS = Set.of("maintenance", "config");

  /** One member: its Vert.x, its Hazelcast instance, and its backend. */
  public record Member(Vertx vertx, HazelcastInstance hazelcast, ClusterBackend backend) {
    /** The results on the cluster's map (without the database step of a member that has one). */
    public HazelcastResultStore store() {
      return backend.clusterResults();
    }

    /** The results as a coordinator uses them: written through first when there is a database. */
    public ResultStore results() {
      return backend.results();
    }
  }

  private final String name = "nines-store-test-" + UUID.randomUUID();
  private final List<Member> members = new ArrayList<>();
  private Map<String, String> properties = Map.of();
  private String seed;

  /** Starts {@code n} members, memory only, and waits until each sees all of them. */
  public static StoreCluster start(int n) {
    return start(n, () -> null);
  }

  /**
   * Starts {@code n} members whose maps are written behind to the database {@code database} gives
   * each (null for none), and waits until each sees all of them.
   */
  public static StoreCluster start(int n, Supplier<Database> database) {
    return start(n, database, Map.of(), c -> {});
  }

  /**
   * {@link #start(int, Supplier)} with further Hazelcast {@code properties} on every member (e.g. a
   * shorter backup timeout); they win over this class's own settings.
   */
  public static StoreCluster start(
      int n, Supplier<Database> database, Map<String, String> properties) {
    return start(n, database, properties, c -> {});
  }

  /** {@link #start(int, Supplier)}, each member's configuration changed by {@code tweak} last. */
  public static StoreCluster start(int n, Supplier<Database> database, Consumer<Config> tweak) {
    return start(n, database, Map.of(), tweak);
  }

  private static StoreCluster start(
      int n, Supplier<Database> database, Map<String, String> properties, Consumer<Config> tweak) {
    StoreCluster cluster = new StoreCluster();
    cluster.properties = Map.copyOf(properties);
    try {
      String first = null;
      for (int i = 0; i < n; i++) {
        Database db = database.get();
        Config config = cluster.config(first, db);
        tweak.accept(config);
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(config);
        if (first == null) {
          first = "127.0.0.1:" + hz.getCluster().getLocalMember().getAddress().getPort();
          cluster.seed = first;
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        cluster.members.add(new Member(vertx, hz, new ClusterBackend(vertx, hz, db)));
      }
      // A member that has not received the partition table yet is "safe" (it owns nothing) and
      // sees no owners: wait until every member sees an owner for every partition, as a
      // coordinator is ready once it does (HazelcastResultStore fails writes until then).
      Awaitility.await("every member knows every partition's owner")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  cluster.members.stream()
                      .allMatch(
                          m ->
                              m.hazelcast().getPartitionService().getPartitions().stream()
                                  .allMatch(p -> p.getOwner() != null)));
      for (Member m : cluster.members) {
        if (!m.hazelcast().getPartitionService().forceLocalMemberToBeSafe(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "member "
                  + m.hazelcast().getCluster().getLocalMember()
                  + " was not safe within 60 s");
        }
      }
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  private Config config(String seed, Database database) {
    Config c = new Config();
    c.setClusterName(name);
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.partition.count", "31");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    c.getNetworkConfig().setPort(0).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(seed == null ? List.of() : List.of(seed));
    ClusterBackend.configure(c, 1, database, DOCUMENT_KINDS);
    properties.forEach(c::setProperty);
    return c;
  }

  /**
   * The ids of the results {@code member} holds of {@code checkId} in its own record store (its
   * backup replica, when it does not own the check), read on its partition thread; null when it
   * holds no entry of the check.
   */
  public static List<String> replicaResults(Member member, String checkId) throws Exception {
    NodeEngineImpl nodeEngine = nodeEngine(member);
    int partition = member.hazelcast().getPartitionService().getPartition(checkId).getPartitionId();
    CompletableFuture<List<String>> read = new CompletableFuture<>();
    MapService maps = nodeEngine.getService(MapService.SERVICE_NAME);
    onPartitionThread(
        nodeEngine,
        partition,
        () -> {
          try {
            RecordStore<?> store =
                maps.getMapServiceContext()
                    .getPartitionContainer(partition)
                    .getExistingRecordStore(HazelcastResultStore.MAP_NAME);
            Record<?> record =
                store == null
                    ? null
                    : store.getRecord(nodeEngine.getSerializationService().toData(checkId));
            CheckLog log =
                record == null
                    ? null
                    : nodeEngine.getSerializationService().toObject(record.getValue());
            read.complete(
                log == null ? null : log.results().stream().map(ProbeResult::id).toList());
          } catch (RuntimeException e) {
            read.completeExceptionally(e);
          }
        });
    return read.get(10, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on the thread of {@code partition} of the member of {@code nodeEngine}. */
  private static void onPartitionThread(NodeEngineImpl nodeEngine, int partition, Runnable task) {
    nodeEngine
        .getOperationService()
        .execute(
            new PartitionSpecificRunnable() {
              @Override
              public int getPartitionId() {
                return partition;
              }

              @Override
              public void run() {
                task.run();
              }
            });
  }

  /**
   * Holds {@code member}'s partition thread of {@code key}'s partition until the returned latch is
   * counted down (at the latest after 60 s): operations and backups of that partition (and of the
   * others the thread runs) queue up unanswered on that member, as on a member that is frozen or
   * cut off. Returns once the thread is held.
   */
  public static CountDownLatch stall(Member member, Object key) throws InterruptedException {
    int partition = member.hazelcast().getPartitionService().getPartition(key).getPartitionId();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    onPartitionThread(
        nodeEngine(member),
        partition,
        () -> {
          held.countDown();
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    if (!held.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("partition " + partition + "'s thread was not held in 10 s");
    }
    return release;
  }

  /** The member's internals, for tests that need to reach a partition thread. */
  public static NodeEngineImpl nodeEngine(Member member) {
    return ((HazelcastInstanceProxy) member.hazelcast()).getOriginal().node.nodeEngine;
  }

  /** The member that owns {@code key}'s partition. */
  public Member ownerOf(Object key) {
    UUID owner =
        members.get(0).hazelcast().getPartitionService().getPartition(key).getOwner().getUuid();
    return members.stream()
        .filter(m -> m.hazelcast().getCluster().getLocalMember().getUuid().equals(owner))
        .findFirst()
        .orElseThrow();
  }

  /** A member that does not own {@code key}'s partition (its backup, with two members). */
  public Member notOwnerOf(Object key) {
    Member owner = ownerOf(key);
    return members.stream().filter(m -> m != owner).findFirst().orElseThrow();
  }

  /**
   * Starts one more member (memory only) and returns once it has joined, without waiting for the
   * partitions to migrate to it: they move while the caller goes on.
   */
  public Member join() {
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(config(seed, null));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
    Member m = new Member(vertx, hz, new ClusterBackend(vertx, hz, null));
    members.add(m);
    return m;
  }

  public Member member(int i) {
    return members.get(i);
  }

  public List<Member> members() {
    return List.copyOf(members);
  }

  @Override
  public void close() {
    for (Member m : members) {
      try {
        m.hazelcast().shutdown();
      } catch (RuntimeException e) {
        // Keep closing the others.
      }
      try {
        m.vertx().close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Keep closing the others.
      }
    }
    members.clear();
  }
}
