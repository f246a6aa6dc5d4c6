package io.nines.cli;

import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HeartbeatPlan;
import io.nines.config.internal.Units;
import java.io.PrintWriter;

/** What the CLI says of a heartbeat check, which it cannot run: its job reports by itself. */
final class HeartbeatHelp {
  private HeartbeatHelp() {}

  static boolean isHeartbeat(Check c) {
    return c.spec() instanceof CheckSpec.Heartbeat;
  }

  /** Explains that {@code c} is passive and prints the line its job should end with. */
  static void explain(Check c, PrintWriter out) {
    HeartbeatPlan plan = ((CheckSpec.Heartbeat) c.spec()).plan();
    String cron = plan.schedule() != null ? plan.schedule().source() : "<schedule>";
    out.println(
        c.id()
            + " is a heartbeat check: it is passive, so nothing runs it from here. Its job reports"
            + " to the coordinator when it finishes (due "
            + plan.describe()
            + ", "
            + Units.formatDuration(plan.grace())
            + " grace"
            + (plan.maxRuntime() == null
                ? ""
                : ", at most " + Units.formatDuration(plan.maxRuntime()) + " a run")
            + "), e.g. at the end of its cron line:");
    out.println(
        "  "
            + cron
            + " /path/to/job && curl -fsS -m 10 --retry 5 -X POST -H \"Authorization: Bearer"
            + " $TOKEN\" https://COORDINATOR/api/v1/heartbeats/"
            + c.id());
    out.println(
        "  (POST .../"
            + c.id()
            + "/start when it begins and .../"
            + c.id()
            + "/fail on failure; create $TOKEN with: nines token create --heartbeat "
            + c.id()
            + ")");
  }
}
