package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.checklog.ApplyBatch;
import io.nines.store.checklog.ApplyBatches;
import io.nines.store.checklog.CheckRules;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HazelcastResultStore#append} on three real members in this JVM (31 partitions): a batch of
 * one result for each of many checks costs one operation per other owner, keeps every guarantee of
 * the per-check {@link ApplyBatch}, and is never acknowledged in part.
 */
class BatchPerOwnerIT {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
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
    return String.format("c%03d", i);
  }

  /** One result of every check, as a live agent sends them; sequences {@code seq0 + i}. */
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

  AppendOutcome append(int via, List<ProbeResult> results) {
    try {
      return cluster.member(via).store().append(results, fleet, NOW).await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("append did not complete within 60 s", e);
    }
  }

  static long counter(HazelcastInstance hz, String key) {
    return ((LongAdder) hz.getUserContext().get(key)).sum();
  }

  long sum(String key) {
    long n = 0;
    for (StoreCluster.Member m : cluster.members()) {
      if (m.hazelcast().getLifecycleService().isRunning()) {
        n += counter(m.hazelcast(), key);
      }
    }
    return n;
  }

  Set<Member> ownersOtherThan(int via) {
    HazelcastInstance hz = cluster.member(via).hazelcast();
    Set<Member> owners = new HashSet<>();
    for (int i = 0; i < CHECKS; i++) {
      owners.add(hz.getPartitionService().getPartition(check(i)).getOwner());
    }
    owners.remove(hz.getCluster().getLocalMember());
    return owners;
  }

  @Test
  void whenABatchSpansChecksOnThreeMembers_thenEachOtherOwnerGetsOneTaskAndEachCheckIsAppliedOnce()
      throws Exception {
    cluster = StoreCluster.start(3);
    Set<Member> others = ownersOtherThan(0);
    assertThat(others).as("the checks are spread over all three members").hasSize(2);
    long tasksBefore = sum(ApplyBatches.TASKS_KEY);
    long evaluationsBefore = sum(ApplyBatch.EVALUATIONS_KEY);
    long[] perMemberBefore = new long[3];
    for (int m = 0; m < 3; m++) {
      perMemberBefore[m] = counter(cluster.member(m).hazelcast(), ApplyBatches.TASKS_KEY);
    }

    AppendOutcome outcome = append(0, batch("a", 1));

    assertThat(outcome).isEqualTo(new AppendOutcome(CHECKS, 0, List.of()));
    assertThat(sum(ApplyBatches.TASKS_KEY) - tasksBefore)
        .as("one operation per owner other than the member the batch came to")
        .isEqualTo(2);
    for (int m = 1; m < 3; m++) {
      assertThat(counter(cluster.member(m).hazelcast(), ApplyBatches.TASKS_KEY))
          .isEqualTo(perMemberBefore[m] + 1);
    }
    assertThat(sum(ApplyBatch.EVALUATIONS_KEY) - evaluationsBefore)
        .as("one evaluation per check")
        .isEqualTo(CHECKS);
    for (int i = 0; i < CHECKS; i++) {
      String owner =
          cluster
              .member(2)
              .hazelcast()
              .getPartitionService()
              .getPartition(check(i))
              .getOwner()
              .getUuid()
              .toString();
      Evaluation e = cluster.member(2).store().evaluation(check(i)).await().orElseThrow();
      assertThat(e.count()).as(check(i)).isEqualTo(1);
      assertThat(e.member()).as("evaluated on the owner of " + check(i)).isEqualTo(owner);
      assertThat(cluster.member(1).store().recent(check(i), 10).await()).hasSize(1);
    }
  }

  @Test
  void whenTheSameBatchIsSentAgain_thenEveryResultIsADuplicateAndNothingIsEvaluatedAgain() {
    cluster = StoreCluster.start(3);
    List<ProbeResult> batch = batch("a", 1);
    append(1, batch);
    long evaluationsBefore = sum(ApplyBatch.EVALUATIONS_KEY);

    AppendOutcome again = append(2, batch);

    assertThat(again).isEqualTo(new AppendOutcome(0, CHECKS, List.of()));
    assertThat(sum(ApplyBatch.EVALUATIONS_KEY)).isEqualTo(evaluationsBefore);
    for (int i = 0; i < CHECKS; i++) {
      assertThat(cluster.member(0).store().recent(check(i), 10).await()).hasSize(1);
    }
  }

  @Test
  void whenSomeResultsOfABatchAreRefused_thenTheyAreRejectedInPostedOrderAndTheRestStored() {
    cluster = StoreCluster.start(3);
    List<ProbeResult> batch = new ArrayList<>(batch("a", 1));
    Set<String> refusedIds = new HashSet<>();
    for (int i = 0; i < CHECKS; i += 7) {
      ProbeResult future = ok("a", 1 + i, check(i), "eu", NOW.plus(Duration.ofHours(1)));
      batch.set(i, future);
      refusedIds.add(future.id());
    }
    batch.add(ok("a", 999, "no-such-check", "eu", NOW));

    AppendOutcome outcome = append(0, batch);

    assertThat(outcome.accepted()).isEqualTo(CHECKS - refusedIds.size());
    assertThat(outcome.duplicates()).isZero();
    List<String> rejected = outcome.rejected().stream().map(Rejection::id).toList();
    List<String> expected = new ArrayList<>();
    for (ProbeResult r : batch) {
      if (refusedIds.contains(r.id()) || r.checkId().equals("no-such-check")) {
        expected.add(r.id());
      }
    }
    assertThat(rejected).as("in the order posted").isEqualTo(expected);
    assertThat(outcome.rejected().get(0).reason()).contains("check the agent's clock");
    assertThat(outcome.rejected().get(expected.size() - 1).reason())
        .isEqualTo("unknown check 'no-such-check'");
    for (int i = 0; i < CHECKS; i++) {
      List<ProbeResult> held = cluster.member(1).store().recent(check(i), 10).await();
      assertThat(held).as(check(i)).hasSize(i % 7 == 0 ? 0 : 1);
    }
  }

  @Test
  void whenAnOwnerIsKilledAfterTheAck_thenItsBackupsHoldEveryResultAndEvaluation() {
    cluster = StoreCluster.start(3);
    List<ProbeResult> first = batch("a", 1);
    List<ProbeResult> second = batch("a", 1001);
    assertThat(append(0, first).accepted()).isEqualTo(CHECKS);
    assertThat(append(0, second).accepted()).isEqualTo(CHECKS);
    List<Optional<Evaluation>> evaluations = new ArrayList<>();
    for (int i = 0; i < CHECKS; i++) {
      evaluations.add(cluster.member(0).store().evaluation(check(i)).await());
    }

    // Member 1 owns about a third of the checks; kill it at once, no graceful migration.
    cluster.member(1).hazelcast().getLifecycleService().terminate();

    for (int i = 0; i < CHECKS; i++) {
      List<ProbeResult> held = cluster.member(2).store().recent(check(i), 10).await();
      assertThat(held).as(check(i)).containsExactlyInAnyOrder(first.get(i), second.get(i));
      Optional<Evaluation> e = cluster.member(0).store().evaluation(check(i)).await();
      assertThat(e).as(check(i)).isEqualTo(evaluations.get(i));
    }
    // Sent again after the failover: all duplicates, decided by the new owners.
    assertThat(append(2, second)).isEqualTo(new AppendOutcome(0, CHECKS, List.of()));
  }

  @Test
  void whenAMemberLeavesMidBatch_thenEachBatchFailsOrIsWhollyStoredAndResendingStoresItOnce()
      throws Exception {
    cluster = StoreCluster.start(3);
    List<List<ProbeResult>> batches = new ArrayList<>();
    List<Future<AppendOutcome>> sent = new ArrayList<>();
    for (int b = 0; b < 12; b++) {
      batches.add(batch("a", 1 + 1000L * b));
    }
    for (List<ProbeResult> batch : batches) {
      sent.add(cluster.member(0).store().append(batch, fleet, NOW));
    }
    cluster.member(2).hazelcast().getLifecycleService().terminate();

    int failed = 0;
    for (int b = 0; b < batches.size(); b++) {
      try {
        AppendOutcome o = sent.get(b).await(60, TimeUnit.SECONDS);
        assertThat(o.accepted() + o.duplicates()).as("batch %s", b).isEqualTo(CHECKS);
        assertThat(o.rejected()).isEmpty();
      } catch (RuntimeException e) {
        failed++;
        // The agent keeps the batch and sends it again.
        AppendOutcome o = append(0, batches.get(b));
        assertThat(o.accepted() + o.duplicates()).as("batch %s again", b).isEqualTo(CHECKS);
      }
    }
    for (int i = 0; i < CHECKS; i++) {
      List<ProbeResult> held = cluster.member(1).store().recent(check(i), 100).await();
      List<ProbeResult> expected = new ArrayList<>();
      for (List<ProbeResult> batch : batches) {
        expected.add(batch.get(i));
      }
      assertThat(held)
          .as(check(i) + " (" + failed + " batches failed)")
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void whenAnApplyBatchesTaskIsSerialized_thenItIsCompact() {
    cluster = StoreCluster.start(1);
    SerializationService ss =
        ((SerializationServiceSupport) cluster.member(0).hazelcast()).getSerializationService();
    List<ProbeResult> results = batch("a", 1).subList(0, 2);
    CheckRules rules =
        CheckRules.of(fleet.check(check(0)).orElseThrow(), fleet.settings(), Duration.ofMinutes(5));
    ApplyBatches task =
        new ApplyBatches(
            HazelcastResultStore.MAP_NAME,
            List.of(check(0), check(1)),
            List.of(
                new ApplyBatch(List.of(results.get(0)), rules, NOW),
                new ApplyBatch(List.of(results.get(1)), rules, NOW)));
    Data data = ss.toData(task);
    assertThat(data.getType()).isEqualTo(SerializationConstants.TYPE_COMPACT);
    ApplyBatches back = ss.toObject(data);
    Data again = ss.toData(back);
    assertThat(again).as("the same bytes after a round trip").isEqualTo(data);
  }
}
