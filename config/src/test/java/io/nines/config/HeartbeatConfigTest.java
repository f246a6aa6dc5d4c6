package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nines.config.internal.Flatten;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code heartbeat:} checks: passive checks their jobs report to, by interval or cron. */
class HeartbeatConfigTest {
  @TempDir Path dir;

  private Fleet load(String check) throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams: { ops: { email: [ops@shop.example] } }
        services:
          jobs: { tier: important, owners: [ops] }
        checks:
          - id: backup
            service: jobs
        %s
        """
            .formatted(check.indent(4).stripTrailing()));
    return new FleetLoader(io.nines.common.TimeSource.SYSTEM, Map.of()).load(dir);
  }

  private List<String> problems(String check) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(check));
    assertThat(e).as("a ConfigException").isNotNull();
    return e.problems().stream().map(Problem::format).toList();
  }

  @Test
  void whenAHeartbeatRunsEveryDay_thenItIsACheckWithThePushLocationAndItsPlan() throws Exception {
    Check c = load("heartbeat: {every: 1d, grace: 30m, max-runtime: 2h}").check("backup").get();
    assertThat(c.type()).isEqualTo("heartbeat");
    assertThat(c.locations()).containsExactly(HeartbeatPlan.LOCATION);
    assertThat(c.every()).isEqualTo(Duration.ofDays(1));
    HeartbeatPlan plan = ((CheckSpec.Heartbeat) c.spec()).plan();
    assertThat(plan)
        .isEqualTo(
            new HeartbeatPlan(
                Duration.ofDays(1),
                null,
                ZoneId.of("UTC"),
                Duration.ofMinutes(30),
                Duration.ofHours(2)));
    assertThat(plan.nextDue(Instant.parse("2026-04-01T02:03:00Z")))
        .isEqualTo(Instant.parse("2026-04-02T02:03:00Z"));
  }

  @Test
  void whenAHeartbeatHasACronSchedule_thenItIsDueAtTheScheduleInItsZone() throws Exception {
    Check c =
        load("heartbeat: {schedule: \"0 2 * * MON-FRI\", timezone: Europe/Berlin, grace: 30m}")
            .check("backup")
            .get();
    HeartbeatPlan plan = ((CheckSpec.Heartbeat) c.spec()).plan();
    assertThat(plan.nextDue(Instant.parse("2026-04-03T12:00:00Z")))
        .as("Friday noon: next is Monday 02:00 CEST")
        .isEqualTo(Instant.parse("2026-04-06T00:00:00Z"));
    assertThat(c.every())
        .as("the longest silence of a healthy job")
        .isEqualTo(Duration.ofHours(73));
    assertThat(Flatten.check(c))
        .containsEntry("heartbeat.schedule", "0 2 * * MON-FRI")
        .containsEntry("heartbeat.timezone", "Europe/Berlin")
        .containsEntry("heartbeat.grace", "30m")
        .containsEntry("locations", "[push]");
  }

  @Test
  void whenGraceIsNotWritten_thenItIsTheIntervalUpToAnHour() throws Exception {
    assertThat(
            ((CheckSpec.Heartbeat) load("heartbeat: {every: 5m}").check("backup").get().spec())
                .plan()
                .grace())
        .isEqualTo(Duration.ofMinutes(5));
    assertThat(
            ((CheckSpec.Heartbeat) load("heartbeat: {every: 1d}").check("backup").get().spec())
                .plan()
                .grace())
        .isEqualTo(Duration.ofHours(1));
  }

  /** In the first column, {@code ~} stands for a line break. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "heartbeat: {schedule: \"0 25 * * *\", grace: 30m}"
            + " | fleet.yaml:8 checks[0].heartbeat.schedule was '0 25 * * *': hour field was '25'"
            + " but 25 is out of range; it must be 0-23",
        "heartbeat: {schedule: \"0 2 * *\", grace: 30m}"
            + " | checks[0].heartbeat.schedule was '0 2 * *': had 4 fields but it must have five",
        "heartbeat: {schedule: \"0 2 * * *\", timezone: Europe/Berln, grace: 30m}"
            + " | checks[0].heartbeat.timezone was 'Europe/Berln' but it must be an IANA time zone",
        "heartbeat: {every: 1d, grace: 0s}"
            + " | checks[0].heartbeat.grace was '0s' but it must be above 0",
        "heartbeat: {every: 1d, schedule: \"0 2 * * *\"}"
            + " | checks[0].heartbeat.schedule is set together with every",
        "heartbeat: {grace: 30m}" + " | checks[0].heartbeat has neither every nor schedule",
        "heartbeat: {every: 10s}"
            + " | checks[0].heartbeat.every was '10s' but it must be at least 1m",
        "heartbeat: {every: 1d, timezone: UTC}"
            + " | checks[0].heartbeat.timezone applies only with schedule",
        "heartbeat: {every: 1d, graze: 30m}"
            + " | checks[0].heartbeat.graze is an unknown key; did you mean 'grace'?",
        "locations: [eu]~heartbeat: {every: 1d}"
            + " | checks[0].locations does not apply to a heartbeat check",
        "every: 1d~heartbeat: {grace: 30m}" + " | checks[0].every belongs inside heartbeat:",
        "heartbeat: {every: 1d}~http: {get: \"http://127.0.0.1:1/\"}"
            + " | checks[0].http is a second check type besides 'heartbeat'",
      })
  void whenAHeartbeatIsWrong_thenTheProblemNamesFileLineKeyAndWhatWouldBeRight(
      String check, String expected) {
    assertThat(problems(check.replace("~", "\n")))
        .anySatisfy(p -> assertThat(p).contains(expected));
  }
}
