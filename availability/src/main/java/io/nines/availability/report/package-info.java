/**
 * Read models: what the dashboard, the reports and the status page show, computed as plain values
 * from a fleet and the location timelines fetched for it ({@link
 * io.nines.availability.report.FetchedTimelines}). Pure: {@code now} is an argument, nothing is
 * read from a clock, a store or the network; rendering (JSON, HTTP) is the coordinator's.
 *
 * <p>{@link io.nines.availability.report.FleetTimelines} merges the fetched timelines along the
 * configuration into a {@link io.nines.availability.report.ServiceView}; {@link
 * io.nines.availability.report.RiskView}, {@link io.nines.availability.report.MonthlyReport} (with
 * {@link io.nines.availability.report.MonthlyCsv}) and {@link
 * io.nines.availability.report.StatusHistory} are built from it.
 */
package io.nines.availability.report;
