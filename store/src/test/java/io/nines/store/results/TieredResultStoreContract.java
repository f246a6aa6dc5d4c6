package io.nines.store.results;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.store.checklog.CheckLog;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.StoreCluster;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a two-member cluster with a database behind its maps, read through {@link
 * TieredResultStore}: the checks map holds each check's hot part only, and every read older than it
 * comes from the database. The checks map is written through (write delay 0), as the write-through
 * layer does: the contract's reads follow its writes at once.
 */
abstract class TieredResultStoreContract extends ResultStoreContract {
  static Database database;
  static StoreCluster cluster;

  /** Starts the cluster on a database with {@code options}; from each subclass's BeforeAll. */
  static void startCluster(DatabaseOptions options) {
    database = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
    // Written through (a write delay of 0): each append is in the database when it completes.
    cluster =
        StoreCluster.start(
            2,
            () -> database,
            c ->
                c.getMapConfig(HazelcastResultStore.MAP_NAME)
                    .getMapStoreConfig()
                    .setWriteDelaySeconds(0));
  }

  @AfterAll
  static void stopCluster() {
    stop();
  }

  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (database != null) {
      database.close();
    }
    cluster = null;
    database = null;
  }

  @Override
  ResultStore newStore() {
    StoreCluster.Member member = cluster.member(0);
    member.hazelcast().getMap(HazelcastResultStore.MAP_NAME).clear();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String table :
          List.of("results", "refused_sequences", "evaluations", "rollups", "location_intervals")) {
        s.execute("DELETE FROM " + table);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return member.backend().results();
  }

  /** {@code home} at eu every 30 s for {@code hours} hours before NOW, one append each. */
  List<ProbeResult> feedHours(int hours) {
    List<ProbeResult> all = new ArrayList<>();
    long seq = 0;
    for (long s = hours * 3600L; s > 0; s -= 30) {
      ProbeResult r =
          s % 1800 == 0
              ? fail("a", ++seq, "home", "eu", at(s))
              : ok("a", ++seq, "home", "eu", at(s));
      all.add(r);
      append(List.of(r), at(s));
    }
    return all;
  }

  CheckLog held() {
    return cluster
        .member(1)
        .hazelcast()
        .<String, CheckLog>getMap(HazelcastResultStore.MAP_NAME)
        .get("home");
  }

  @Test
  void whenHoursOfResultsArrive_thenTheMapHoldsTheHotWindowAndReadsMergeTheDatabase() {
    List<ProbeResult> all = feedHours(3);

    assertThat(held().size()).as("5 minutes at 30 s").isLessThanOrEqualTo(11);
    assertThat(size()).isLessThanOrEqualTo(11);
    assertThat(between("home", at(4 * 3600), NOW).get("eu")).isEqualTo(all);
    assertThat(recent("home", 50)).isEqualTo(reversed(all).subList(0, 50));
    TimeRange span = new TimeRange(at(4 * 3600), NOW);
    assertThat(timelines("home", span).get("eu"))
        .isEqualTo(Timelines.forLocation(all, Duration.ofSeconds(60), span));
  }

  @Test
  void whenALateResultChangesAClosedHour_thenTheDatabaseRecomputesThatHourFromTheRawResults() {
    List<ProbeResult> all = new ArrayList<>(feedHours(3));
    ProbeResult late = fail("b", 1, "home", "eu", at(2 * 3600 + 15));

    AppendOutcome outcome = append(List.of(late), NOW);
    all.add(late);

    assertThat(outcome.accepted()).isEqualTo(1);
    TimeRange span = new TimeRange(at(4 * 3600), NOW);
    Timeline expected = Timelines.forLocation(all, Duration.ofSeconds(60), span);
    assertThat(timelines("home", span).get("eu")).isEqualTo(expected);
    assertThat(expected.stateAt(at(2 * 3600))).isEqualTo(State.DOWN);
  }

  @Test
  void whenACheckIsLoadedFromTheDatabase_thenOnlyItsHotPartIsLoadedAndReadsStillSeeEverything() {
    List<ProbeResult> all = feedHours(3);
    cluster.member(0).hazelcast().getMap(HazelcastResultStore.MAP_NAME).evict("home");

    assertThat(between("home", at(4 * 3600), NOW).get("eu")).isEqualTo(all);
    assertThat(held().size())
        .as("the last 30 minutes before the last evaluation")
        .isBetween(1L, 61L);
    assertThat(held().history().get("eu").get(0).start()).isAfterOrEqualTo(at(3600));
    TimeRange span = new TimeRange(at(4 * 3600), NOW);
    assertThat(timelines("home", span).get("eu"))
        .isEqualTo(Timelines.forLocation(all, Duration.ofSeconds(60), span));
    assertThat(append(List.of(all.get(all.size() - 1)), NOW).duplicates()).isEqualTo(1);
  }

  static List<ProbeResult> reversed(List<ProbeResult> in) {
    List<ProbeResult> out = new ArrayList<>(in);
    Collections.reverse(out);
    return out;
  }

  @Test
  void whenDaysArriveInChunksWithFailuresAtTheirEnds_thenTheTimelineFromTheDatabaseIsExact() {
    List<ProbeResult> all = new ArrayList<>();
    long seq = 0;
    List<ProbeResult> chunk = new ArrayList<>();
    for (long s = 3 * 24 * 3600L; s > 0; s -= 30) {
      seq++;
      ProbeResult r =
          seq % 200 == 0 ? fail("a", seq, "home", "eu", at(s)) : ok("a", seq, "home", "eu", at(s));
      all.add(r);
      chunk.add(r);
      if (chunk.size() == 10) {
        append(List.copyOf(chunk), r.startedAt().plusSeconds(1));
        chunk.clear();
      }
    }
    TimeRange span = new TimeRange(at(4 * 24 * 3600), NOW);

    Timeline timeline = timelines("home", span).get("eu");

    assertThat(timeline.duration(State.DOWN)).isEqualTo(Duration.ofSeconds(30 * (seq / 200)));
    assertThat(timeline).isEqualTo(Timelines.forLocation(all, Duration.ofSeconds(60), span));
  }
}
