package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.serialization.impl.SerializationConstants;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.store.checklog.ApplyBatch;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.CheckRules;
import io.nines.store.checklog.CountResults;
import io.nines.store.checklog.ReadCheck;
import io.nines.store.checklog.ResultList;
import io.nines.store.testing.StoreCluster;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real two-member cluster, through the first member: about half the checks
 * live on the other member, so processors, values and results cross the wire (Compact
 * serialization) and every write goes through a backup.
 */
class HazelcastResultStoreIT extends ResultStoreContract {
  static StoreCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = StoreCluster.start(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  ResultStore newStore() {
    cluster.member(0).hazelcast().getMap(HazelcastResultStore.MAP_NAME).clear();
    return cluster.member(0).store();
  }

  long evaluationsOnAllMembers() {
    long n = 0;
    for (StoreCluster.Member m : cluster.members()) {
      n += m.store().evaluationsOnThisMember();
    }
    return n;
  }

  @Test
  void whenAnythingOfOursIsSerialized_thenItIsCompactAndComesBackEqual() {
    SerializationService ss =
        ((SerializationServiceSupport) cluster.member(0).hazelcast()).getSerializationService();
    ProbeResult failed =
        new ProbeResult(
            "a",
            3,
            "home",
            "eu",
            NOW.plusNanos(123),
            412,
            false,
            new Failure(FailureKind.HTTP_STATUS, "pay", "status was 503 but it must be 200"),
            2,
            Map.of("dns", 3.1, "total", 412.0),
            new JsonObject().put("url", "https://shop.example/pay"));
    CheckRules rules =
        CheckRules.of(fleet.check("home").orElseThrow(), fleet.settings(), Duration.ofMinutes(5));
    CheckLog log = new CheckLog("home");
    CheckLog.Applied applied =
        log.apply(List.of(failed, ok("b", 1, "home", "us", at(5))), rules, NOW, "m");
    List<Object> values =
        List.of(
            failed,
            rules,
            applied.outcome(),
            applied.change(),
            applied.change().evaluation(),
            new AppendOutcome(1, 2, List.of(new Rejection("a/9", "unknown check 'x'"))),
            new ResultList(List.of(failed)));

    for (Object v : values) {
      Data data = ss.toData(v);
      assertThat(data.getType())
          .as("%s", v.getClass())
          .isEqualTo(SerializationConstants.TYPE_COMPACT);
      Object back = ss.toObject(data);
      assertThat(back).isEqualTo(v);
    }
    CheckLog logBack = ss.toObject(ss.toData(log));
    assertThat(logBack.results()).isEqualTo(log.results());
    assertThat(logBack.evaluation()).isEqualTo(log.evaluation());
    assertThat(logBack.agents().get("a").above()).isEqualTo(log.agents().get("a").above());
    for (Object p :
        List.of(
            new ApplyBatch(List.of(failed), rules, NOW),
            new ApplyBatch.ReplayChange(applied.change(), rules),
            ReadCheck.between(at(10), NOW),
            new CountResults())) {
      assertThat(ss.toData(p).getType())
          .as("%s", p.getClass())
          .isEqualTo(SerializationConstants.TYPE_COMPACT);
    }
  }

  @Test
  void whenBatchesAreApplied_thenEachIsEvaluatedOnceOnItsOwnerAndTheBackupDoesNotEvaluate() {
    long before = evaluationsOnAllMembers();
    List<ProbeResult> batch = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      batch.add(ok("a", i, "home", i % 2 == 0 ? "eu" : "us", at(100 - i)));
      append(List.of(batch.get(i - 1)), NOW);
    }
    append(batch, NOW);

    Evaluation e = evaluation("home").orElseThrow();
    String owner =
        cluster
            .member(0)
            .hazelcast()
            .getPartitionService()
            .getPartition("home")
            .getOwner()
            .getUuid()
            .toString();
    assertThat(e.count()).isEqualTo(10);
    assertThat(evaluationsOnAllMembers() - before).isEqualTo(10);
    assertThat(e.member()).isEqualTo(owner);
    assertThat(cluster.member(1).store().evaluation("home").await()).contains(e);
    assertThat(
            cluster
                .member(1)
                .hazelcast()
                .getMap(HazelcastResultStore.MAP_NAME)
                .getEntryView("home")
                .getTtl())
        .as(
            "a check that stops receiving results expires once its results and its timeline"
                + " history are all past their retentions (retention.rollup, 400 days)")
        .isEqualTo(Duration.ofDays(400).plusMinutes(5).toMillis());
  }
}
