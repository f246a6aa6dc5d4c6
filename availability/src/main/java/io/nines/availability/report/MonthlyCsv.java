package io.nines.availability.report;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The {@link MonthlyReport} as a spreadsheet reads it: RFC 4180 CSV. */
public final class MonthlyCsv {
  private MonthlyCsv() {}

  /** The columns, in order. */
  public static final List<String> COLUMNS =
      List.of(
          "service",
          "name",
          "tier",
          "target_percent",
          "availability_percent",
          "nines",
          "downtime_seconds",
          "maintenance_seconds",
          "availability_excluding_maintenance_percent",
          "met",
          "outages",
          "coverage");

  /**
   * The report as CSV with a header row and CRLF line ends. Numbers have at most six decimals and
   * no trailing zeros; a figure without data is an empty cell and {@code met} reads {@code no
   * data}.
   */
  public static String render(MonthlyReport report) {
    StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
    for (MonthlyReport.ServiceMonth s : report.services()) {
      var r = s.report();
      List<String> row =
          List.of(
              cell(s.id()),
              cell(s.name()),
              cell(s.tier().configName()),
              number(s.targetPercent()),
              r.hasData() ? number(r.percent()) : "",
              r.hasData() ? number(r.nines()) : "",
              number(seconds(r.down())),
              number(seconds(r.maintenance())),
              r.availabilityExcludingMaintenance().isPresent()
                  ? number(r.availabilityExcludingMaintenance().getAsDouble() * 100)
                  : "",
              s.met().map(String::valueOf).orElse("no data"),
              String.valueOf(r.outages().size()),
              number(r.coverage()));
      out.append(String.join(",", row)).append("\r\n");
    }
    return out.toString();
  }

  private static String cell(String value) {
    if (value == null) {
      return "";
    }
    // A leading =, +, - or @ would run as a formula in a spreadsheet.
    String v = value;
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  /** Seconds with millisecond precision, as the JSON report gives them. */
  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  private static String number(double d) {
    return String.format(Locale.ROOT, "%.6f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
