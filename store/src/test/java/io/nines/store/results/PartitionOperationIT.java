package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.checklog.ApplyBatch;
import io.nines.store.checklog.ApplyBatches;
import io.nines.store.checklog.ApplyPartition;
import io.nines.store.checklog.ApplyPartitionOperation;
import io.nines.store.checklog.CheckRules;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A share of a batch is applied with ONE operation per partition ({@link ApplyPartitionOperation}),
 * whose ONE backup operation is synchronous: real members in this JVM (31 partitions, so the 120
 * checks share partitions), the backup replicas read directly on their partition threads.
 */
class PartitionOperationIT {
  static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
  static final int CHECKS = 120;

  final Fleet fleet = fleet();
  StoreCluster cluster;

  static Fleet fleet() {
    TestFleets f = TestFleets.fleet();
    for (int i = 0; i < CHECKS; i++) {
      f.check(check(i), "svc" + (i % 10), Duration.ofSeconds(30), List.of("eu"), new DownWhen(1));
    }
    return f.build();
  }

  static String check(int i) {
    return String.format("p%03d", i);
  }

  static List<ProbeResult> batch(String agent, long seq0) {
    List<ProbeResult> out = new ArrayList<>();
    for (int i = 0; i < CHECKS; i++) {
      out.add(ok(agent, seq0 + i, check(i), "eu", NOW.minusSeconds(30 + (seq0 % 1000))));
    }
    return out;
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  AppendOutcome append(StoreCluster.Member via, List<ProbeResult> results) throws Exception {
    return via.store()
        .append(results, fleet, NOW)
        .toCompletionStage()
        .toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
  }

  long sum(String key) {
    long n = 0;
    for (StoreCluster.Member m : cluster.members()) {
      if (m.hazelcast().getLifecycleService().isRunning()) {
        n += ((LongAdder) m.hazelcast().getUserContext().get(key)).sum();
      }
    }
    return n;
  }

  int partitionsOf(HazelcastInstance hz, int checks) {
    Set<Integer> partitions = new HashSet<>();
    for (int i = 0; i < checks; i++) {
      partitions.add(hz.getPartitionService().getPartition(check(i)).getPartitionId());
    }
    return partitions.size();
  }

  @Test
  void whenChecksShareAPartition_thenOneOperationPerPartitionAppliesEachOnceAndItsBackupHoldsThem()
      throws Exception {
    cluster = StoreCluster.start(2);
    int partitions = partitionsOf(cluster.member(0).hazelcast(), CHECKS);
    assertThat(partitions).as("several checks per partition").isLessThan(CHECKS / 2);
    long opsBefore = sum(ApplyBatches.PARTITION_OPERATIONS_KEY);
    long checksBefore = sum(ApplyBatches.PARTITION_CHECKS_KEY);
    long evaluationsBefore = sum(ApplyBatch.EVALUATIONS_KEY);
    List<ProbeResult> batch = batch("a", 1);

    AppendOutcome outcome = append(cluster.member(0), batch);

    assertThat(outcome).isEqualTo(new AppendOutcome(CHECKS, 0, List.of()));
    assertThat(sum(ApplyBatches.PARTITION_OPERATIONS_KEY) - opsBefore)
        .as("one operation per partition")
        .isEqualTo(partitions);
    assertThat(sum(ApplyBatches.PARTITION_CHECKS_KEY) - checksBefore).isEqualTo(CHECKS);
    assertThat(sum(ApplyBatch.EVALUATIONS_KEY) - evaluationsBefore)
        .as("one evaluation per check")
        .isEqualTo(CHECKS);
    // Acknowledged: every check's backup replica already holds its result (a backup applied
    // asynchronously could still be on its way).
    for (int i = 0; i < CHECKS; i++) {
      assertThat(backupReplica(cluster.notOwnerOf(check(i)), check(i)))
          .as("the backup replica of " + check(i) + " once the append completed")
          .containsExactly(batch.get(i).id());
      Evaluation e = cluster.member(1).store().evaluation(check(i)).await().orElseThrow();
      assertThat(e.count()).as(check(i)).isEqualTo(1);
      assertThat(e.member())
          .as("evaluated on the owner of " + check(i))
          .isEqualTo(
              cluster
                  .ownerOf(check(i))
                  .hazelcast()
                  .getCluster()
                  .getLocalMember()
                  .getUuid()
                  .toString());
    }
  }

  @Test
  void whenABatchIsSentAgain_thenEveryResultIsADuplicateAndNothingIsEvaluatedOrStoredTwice()
      throws Exception {
    cluster = StoreCluster.start(2);
    List<ProbeResult> batch = batch("a", 1);
    append(cluster.member(0), batch);
    long evaluationsBefore = sum(ApplyBatch.EVALUATIONS_KEY);

    AppendOutcome again = append(cluster.member(1), batch);
    AppendOutcome mixed = append(cluster.member(0), concat(batch, batch("a", 1001)));

    assertThat(again).isEqualTo(new AppendOutcome(0, CHECKS, List.of()));
    assertThat(mixed).isEqualTo(new AppendOutcome(CHECKS, CHECKS, List.of()));
    assertThat(sum(ApplyBatch.EVALUATIONS_KEY) - evaluationsBefore)
        .as("evaluated only for the batch that stored something")
        .isEqualTo(CHECKS);
    for (int i = 0; i < CHECKS; i++) {
      assertThat(backupReplica(cluster.notOwnerOf(check(i)), check(i))).as(check(i)).hasSize(2);
      assertThat(cluster.member(0).store().recent(check(i), 10).await()).hasSize(2);
    }
  }

  @Test
  void whenTheOwnerIsKilledRightAfterTheAck_thenTheSurvivorHoldsEveryResult() throws Exception {
    cluster = StoreCluster.start(2);
    List<ProbeResult> batch = batch("a", 1);
    // Member 1's checks go through its ApplyBatches task, member 0's are applied by member 0.
    assertThat(append(cluster.member(0), batch).accepted()).isEqualTo(CHECKS);

    cluster.member(1).hazelcast().getLifecycleService().terminate();

    for (int i = 0; i < CHECKS; i++) {
      assertThat(cluster.member(0).store().recent(check(i), 10).await())
          .as(check(i))
          .containsExactly(batch.get(i));
    }
    assertThat(append(cluster.member(0), batch))
        .as("sent again after the owner died")
        .isEqualTo(new AppendOutcome(0, CHECKS, List.of()));
  }

  @Test
  void whenAPartitionOperationIsSentToAnotherMember_thenThatMemberReadsItAndBacksItUp()
      throws Exception {
    cluster = StoreCluster.start(2);
    StoreCluster.Member caller = cluster.member(0);
    StoreCluster.Member owner = cluster.member(1);
    // As if member 0 had grouped member 1's checks as its own just before they migrated: its
    // operations go to member 1 over the network, as Hazelcast's retry after a migration sends
    // them.
    List<String> ids = new ArrayList<>();
    List<ApplyBatch> batches = new ArrayList<>();
    List<ProbeResult> sent = new ArrayList<>();
    for (int i = 0; i < CHECKS; i++) {
      if (cluster.ownerOf(check(i)) == owner) {
        ProbeResult r = ok("a", 1 + i, check(i), "eu", NOW.minusSeconds(30));
        ids.add(check(i));
        batches.add(new ApplyBatch(List.of(r), rules(check(i)), NOW));
        sent.add(r);
      }
    }
    assertThat(ids).isNotEmpty();

    AppendOutcome outcome =
        ApplyBatches.applyAll(
                caller.hazelcast().getMap(HazelcastResultStore.MAP_NAME), ids, batches)
            .get(60, TimeUnit.SECONDS);

    assertThat(outcome).isEqualTo(new AppendOutcome(ids.size(), 0, List.of()));
    String ownerId = owner.hazelcast().getCluster().getLocalMember().getUuid().toString();
    for (int i = 0; i < ids.size(); i++) {
      assertThat(backupReplica(caller, ids.get(i))).containsExactly(sent.get(i).id());
      assertThat(caller.store().evaluation(ids.get(i)).await().orElseThrow().member())
          .as("decided on the owner")
          .isEqualTo(ownerId);
    }
  }

  @Test
  void whenPartitionsMigrateWhileBatchesAreApplied_thenEachBatchIsWhollyStoredOnceOrFails()
      throws Exception {
    cluster = StoreCluster.start(2);
    List<List<ProbeResult>> batches = new ArrayList<>();
    List<Future<AppendOutcome>> sent = new ArrayList<>();
    for (int b = 0; b < 16; b++) {
      batches.add(batch("a", 1 + 1000L * b));
    }
    for (int b = 0; b < 8; b++) {
      sent.add(cluster.member(b % 2).store().append(batches.get(b), fleet, NOW));
    }
    // A third member joins: partitions migrate to it while the batches are applied.
    StoreCluster.Member joined = cluster.join();
    for (int b = 8; b < batches.size(); b++) {
      sent.add(cluster.member(b % 2).store().append(batches.get(b), fleet, NOW));
    }

    int failed = 0;
    for (int b = 0; b < batches.size(); b++) {
      try {
        AppendOutcome o =
            sent.get(b).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertThat(o.accepted() + o.duplicates()).as("batch %s", b).isEqualTo(CHECKS);
        assertThat(o.rejected()).isEmpty();
      } catch (java.util.concurrent.ExecutionException e) {
        failed++;
        AppendOutcome o = append(cluster.member(0), batches.get(b));
        assertThat(o.accepted() + o.duplicates()).as("batch %s again", b).isEqualTo(CHECKS);
      }
    }
    for (int i = 0; i < CHECKS; i++) {
      List<ProbeResult> expected = new ArrayList<>();
      for (List<ProbeResult> batch : batches) {
        expected.add(batch.get(i));
      }
      assertThat(joined.store().recent(check(i), 100).await())
          .as(check(i) + " (" + failed + " batches failed)")
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(cluster.member(0).store().evaluation(check(i)).await().orElseThrow().count())
          .as("one evaluation per batch that stored something, " + check(i))
          .isEqualTo(batches.size());
    }
  }

  @Test
  void whenAPartitionOperationIsSerialized_thenItIsReadBackAsItselfWithItsCompactProcessor() {
    cluster = StoreCluster.start(1);
    SerializationService ss =
        ((SerializationServiceSupport) cluster.member(0).hazelcast()).getSerializationService();
    ProbeResult r = ok("a", 1, check(0), "eu", NOW);
    Data key = ss.toData(check(0));
    ApplyPartitionOperation op =
        new ApplyPartitionOperation(
            HazelcastResultStore.MAP_NAME,
            Set.of(key),
            new ApplyPartition(
                List.of(check(0)), List.of(new ApplyBatch(List.of(r), rules(check(0)), NOW))));

    Object back = ss.toObject(ss.toData(op));

    assertThat(back).isInstanceOf(ApplyPartitionOperation.class);
    Data again = ss.toData(back);
    Data first = ss.toData(op);
    assertThat(again).as("the same bytes after a round trip").isEqualTo(first);
  }

  CheckRules rules(String checkId) {
    return CheckRules.of(
        fleet.check(checkId).orElseThrow(), fleet.settings(), Duration.ofMinutes(5));
  }

  static List<ProbeResult> concat(List<ProbeResult> a, List<ProbeResult> b) {
    List<ProbeResult> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** The ids of {@code member}'s own copy of {@code checkId}'s results; empty when it has none. */
  static List<String> backupReplica(StoreCluster.Member member, String checkId) throws Exception {
    List<String> ids = StoreCluster.replicaResults(member, checkId);
    return ids == null ? List.of() : ids;
  }
}
