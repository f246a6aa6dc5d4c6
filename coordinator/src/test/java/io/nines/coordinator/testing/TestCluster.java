package io.nines.coordinator.testing;

import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.cluster.ClusterOptions;
import io.nines.store.jdbc.Database;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Real Hazelcast members in this JVM, for cluster tests: a random cluster name, 127.0.0.1 only,
 * ports chosen by the system, TCP-IP join on the first member, no multicast. The first member
 * starts alone; the others start in parallel and join it.
 */
public final class TestCluster implements AutoCloseable {
  private final String name = "nines-test-" + UUID.randomUUID();
  private final List<ClusterMember> members = new ArrayList<>();

  /** Options of a test member that joins {@code seeds}. */
  public ClusterOptions options(List<String> seeds) {
    return ClusterOptions.builder()
        .clusterName(name)
        .host("127.0.0.1")
        .port(0)
        .members(seeds)
        .partitionCount(31)
        // Notice a killed member within seconds rather than the default minute.
        .property("hazelcast.heartbeat.interval.seconds", "1")
        .property("hazelcast.max.no.heartbeat.seconds", "6")
        .property("hazelcast.wait.seconds.before.join", "0")
        .property("hazelcast.max.wait.seconds.before.join", "0")
        .build();
  }

  /** Starts {@code n} members and waits until each sees all of them. */
  public static TestCluster start(int n) {
    return start(n, () -> null);
  }

  /**
   * Starts {@code n} members whose checks map is written behind to the database {@code database}
   * gives each (null for none), and waits until each sees all of them.
   */
  public static TestCluster start(int n, Supplier<Database> database) {
    TestCluster cluster = new TestCluster();
    try {
      ClusterMember first =
          await(ClusterMember.start(cluster.options(List.of()), vertxOptions(), database.get()));
      cluster.members.add(first);
      List<Future<ClusterMember>> others = new ArrayList<>();
      for (int i = 1; i < n; i++) {
        others.add(
            ClusterMember.start(
                cluster.options(List.of(first.address())), vertxOptions(), database.get()));
      }
      for (Future<ClusterMember> f : others) {
        cluster.members.add(await(f));
      }
      cluster.awaitSafe();
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Waits until no partition is migrating and every backup is in sync on every member, so that a
   * test starts on a settled cluster rather than racing the migrations that follow a join.
   */
  public void awaitSafe() {
    for (ClusterMember m : members) {
      if (!m.hazelcast().getPartitionService().forceLocalMemberToBeSafe(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "member "
                + m.hazelcast().getCluster().getLocalMember()
                + " was not safe (partitions migrating or backups behind) within 60 s");
      }
    }
  }

  static VertxOptions vertxOptions() {
    // The blocked-thread checker stays on, with Vert.x's defaults.
    return new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a cluster member did not start within 60 s", e);
    }
  }

  public String name() {
    return name;
  }

  public ClusterMember member(int i) {
    return members.get(i);
  }

  public List<ClusterMember> members() {
    return List.copyOf(members);
  }

  /** Kills {@code member} as a crash would: no goodbye, no partition hand-over. */
  public static void kill(ClusterMember member) {
    member.hazelcast().getLifecycleService().terminate();
  }

  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (ClusterMember m : members) {
      closing.add(m.close().recover(e -> Future.succeededFuture()));
    }
    for (Future<Void> f : closing) {
      try {
        f.await(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // Keep closing the others.
      }
    }
  }
}
