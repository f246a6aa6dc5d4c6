package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heartbeat and merge timers: settings of a member, carried into its Hazelcast config. */
class ClusterTimersTest {

  @Test
  void whenNoTimerIsSet_thenHeartbeatsAreHazelcastsAndMergeChecksComeSooner() {
    Config c = ClusterMember.hazelcastConfig(ClusterOptions.fromEnvironment(Map.of()));

    HazelcastProperties p = new HazelcastProperties(c);
    assertThat(p.getSeconds(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS)).isEqualTo(5);
    assertThat(p.getSeconds(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS)).isEqualTo(60);
    assertThat(p.getSeconds(ClusterProperty.MERGE_FIRST_RUN_DELAY_SECONDS)).isEqualTo(60);
    assertThat(p.getSeconds(ClusterProperty.MERGE_NEXT_RUN_DELAY_SECONDS)).isEqualTo(30);
  }

  @Test
  void whenTheEnvironmentSetsTimers_thenTheHazelcastConfigCarriesThemInSeconds() {
    ClusterOptions o =
        ClusterOptions.fromEnvironment(
            Map.of(
                "NINES_CLUSTER_HEARTBEAT_INTERVAL", "2s",
                "NINES_CLUSTER_HEARTBEAT_TIMEOUT", "1m30s",
                "NINES_CLUSTER_MERGE_FIRST_DELAY", "10s",
                "NINES_CLUSTER_MERGE_DELAY", "5s"));

    assertThat(o.timers())
        .isEqualTo(
            new ClusterTimers(
                Duration.ofSeconds(2),
                Duration.ofSeconds(90),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5)));
    Config c = ClusterMember.hazelcastConfig(o);
    assertThat(c.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
    assertThat(c.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("90");
    assertThat(c.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("10");
    assertThat(c.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("5");
  }

  @Test
  void whenAnExplicitHazelcastPropertyIsGiven_thenItWinsOverTheTimer() {
    ClusterOptions o =
        ClusterOptions.builder().property("hazelcast.max.no.heartbeat.seconds", "7").build();

    assertThat(ClusterMember.hazelcastConfig(o).getProperty("hazelcast.max.no.heartbeat.seconds"))
        .isEqualTo("7");
  }

  @Test
  void whenATimerIsNotADurationInWholeSeconds_thenEveryWrongOneIsNamedWithWhatWouldBeRight() {
    assertThatThrownBy(
            () ->
                ClusterOptions.fromEnvironment(
                    Map.of(
                        "NINES_CLUSTER_HEARTBEAT_INTERVAL", "500ms",
                        "NINES_CLUSTER_HEARTBEAT_TIMEOUT", "60",
                        "NINES_CLUSTER_MERGE_FIRST_DELAY", "0s",
                        "NINES_CLUSTER_MERGE_DELAY", "2d")))
        .hasMessageContaining(
            "NINES_CLUSTER_HEARTBEAT_INTERVAL was '500ms' but it must be a duration in whole"
                + " seconds from 1s to 24h, such as 10s, 2m or 1m30s")
        .hasMessageContaining("NINES_CLUSTER_HEARTBEAT_TIMEOUT was '60' but it must be")
        .hasMessageContaining("NINES_CLUSTER_MERGE_FIRST_DELAY was '0s' but it must be")
        .hasMessageContaining("NINES_CLUSTER_MERGE_DELAY was '2d' but it must be");
  }

  @Test
  void whenTheHeartbeatTimeoutIsUnderTwoIntervals_thenTheMessageSaysOneLostHeartbeatWouldSplit() {
    assertThatThrownBy(
            () ->
                ClusterOptions.fromSettings(
                    Map.of(
                        "NINES_CLUSTER_HEARTBEAT_INTERVAL", "5s",
                        "NINES_CLUSTER_HEARTBEAT_TIMEOUT", "8s"),
                    env -> "--flag-of (" + env + ")"))
        .hasMessage(
            "--flag-of (NINES_CLUSTER_HEARTBEAT_TIMEOUT) was '8s' but it must be at least twice the"
                + " heartbeat interval --flag-of (NINES_CLUSTER_HEARTBEAT_INTERVAL) (5s), so that"
                + " one lost heartbeat does not remove a member");
    assertThatThrownBy(
            () -> ClusterTimers.DEFAULTS.withHeartbeatTimeout(Duration.ofSeconds(9)).toString())
        .hasMessage(
            "heartbeatTimeout: 9s (expected: at least twice heartbeatInterval, 10s, so that one"
                + " lost heartbeat does not remove a member)");
    assertThatThrownBy(() -> ClusterTimers.DEFAULTS.withHeartbeatInterval(Duration.ofMillis(1500)))
        .hasMessage("heartbeatInterval: 1500ms (expected: whole seconds from 1s to 24h)");
  }

  @Test
  void whenATimerIsWritten_thenItReadsBack() {
    for (String s : new String[] {"1s", "59s", "1m", "1m30s", "1h", "2h5m3s"}) {
      assertThat(ClusterTimers.format(ClusterTimers.parse(s))).isEqualTo(s);
    }
    assertThat(ClusterTimers.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ClusterTimers.parse("10")).isNull();
    assertThat(ClusterTimers.parse("-1s")).isNull();
  }
}
