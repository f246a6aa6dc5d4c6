package io.nines.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nines report --month 2026-04}: the monthly availability report. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a month's availability report from a coordinator: each service's availability,"
          + " nines, downtime, maintenance, the figure without maintenance, the tier target and"
          + " whether it was met. With --csv, the same as CSV."
    })
final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @CommandLine.Mixin IncidentCommand.Target target = new IncidentCommand.Target();

  @Option(
      names = "--month",
      required = true,
      paramLabel = "YYYY-MM",
      description = "the month, e.g. 2026-04")
  String month;

  @Option(names = "--csv", description = "print CSV instead of a table")
  boolean csv;

  @Override
  public Integer call() throws Exception {
    String path =
        "/api/v1/reports/monthly?month="
            + URLEncoder.encode(month, StandardCharsets.UTF_8)
            + (csv ? "&format=csv" : "");
    HttpResponse<String> r;
    try {
      r = IncidentCommand.send(target.request(path).GET().build());
    } catch (java.io.IOException e) {
      spec.commandLine()
          .getErr()
          .println(
              "error: can't reach the coordinator at " + target.url + ": " + Main.messageOf(e));
      return 1;
    }
    if (r.statusCode() != 200) {
      spec.commandLine().getErr().println("error: " + IncidentCommand.message(r));
      return r.statusCode() == 400 ? 2 : 1;
    }
    if (csv) {
      spec.commandLine().getOut().print(r.body());
      return 0;
    }
    JsonObject report = new JsonObject(r.body());
    var out = spec.commandLine().getOut();
    out.printf(
        "Availability report for %s (%s to %s)%s%n%n",
        report.getString("month"),
        report.getString("from"),
        report.getString("to"),
        report.getBoolean("complete", true) ? "" : ", month not over yet");
    out.printf(
        "%-16s %-13s %8s %10s %6s %10s %10s %14s %9s  %s%n",
        "service",
        "tier",
        "target",
        "avail.",
        "nines",
        "down",
        "maint.",
        "excl. maint.",
        "observed",
        "met");
    JsonArray services = report.getJsonArray("services");
    for (int i = 0; i < services.size(); i++) {
      JsonObject s = services.getJsonObject(i);
      Double ex = s.getDouble("percentExcludingMaintenance");
      Double percent = s.getDouble("percent");
      Double nines = s.getDouble("nines");
      Boolean met = s.getBoolean("met");
      String verdict;
      if (met == null) {
        verdict = "no data";
      } else if (met) {
        verdict = "yes";
      } else {
        verdict = "NO (" + s.getInteger("outageCount") + " outages)";
      }
      out.printf(
          Locale.ROOT,
          "%-16s %-13s %7.3f%% %10s %6s %10s %10s %14s %9s  %s%n",
          s.getString("id"),
          s.getString("tier"),
          s.getDouble("target"),
          percent == null ? "no data" : String.format(Locale.ROOT, "%.4f%%", percent),
          nines == null ? "-" : String.format(Locale.ROOT, "%.2f", nines),
          duration(s.getDouble("downSeconds")),
          duration(s.getDouble("maintenanceSeconds")),
          ex == null ? "-" : String.format(Locale.ROOT, "%.4f%%", ex),
          observed(s.getDouble("observedSeconds")),
          verdict);
    }
    return 0;
  }

  /** The observed part of the month, in days: {@code 30.0d}, {@code 2.5d}, {@code 0d}. */
  static String observed(Double seconds) {
    if (seconds == null) {
      return "-";
    }
    return seconds <= 0 ? "0d" : String.format(Locale.ROOT, "%.1fd", seconds / 86_400);
  }

  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
    }
    return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
  }
}
