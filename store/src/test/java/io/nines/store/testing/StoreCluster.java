package io.nines.store.testing;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.nines.store.ClusterBackend;
import io.nines.store.jdbc.Database;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.results.ResultStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

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

  /** Starts {@code n} members, memory only, and waits until each sees all of them. */
  public static StoreCluster start(int n) {
    return start(n, () -> null);
  }

  /**
   * Starts {@code n} members whose maps are written behind to the database {@code database} gives
   * each (null for none), and waits until each sees all of them.
   */
  public static StoreCluster start(int n, Supplier<Database> database) {
    StoreCluster cluster = new StoreCluster();
    try {
      String first = null;
      for (int i = 0; i < n; i++) {
        Database db = database.get();
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(cluster.config(first, db));
        if (first == null) {
          first = "127.0.0.1:" + hz.getCluster().getLocalMember().getAddress().getPort();
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4));
        cluster.members.add(new Member(vertx, hz, new ClusterBackend(vertx, hz, db)));
      }
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
    return ClusterBackend.configure(c, 1, database, DOCUMENT_KINDS);
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
