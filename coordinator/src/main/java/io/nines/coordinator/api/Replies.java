package io.nines.coordinator.api;

import io.nines.coordinator.readmodel.Views;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Answers and query parameters shared by the route classes (and the dashboard's). Stateless. */
public final class Replies {
  public static final String JSON = "application/json; charset=utf-8";
  static final String INSTANT_FORMAT = "an ISO-8601 UTC instant such as 2026-04-01T00:00:00Z";

  /**
   * The earliest instant a query may name: nothing was measured before it, and windows from it to
   * any instant up to {@link #LATEST} stay well inside what {@code long} milli- and nanosecond
   * arithmetic can hold.
   */
  public static final Instant EARLIEST = Instant.EPOCH;

  /** The latest instant a query may name (a window's end is cut to now anyway). */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private Replies() {}

  /** Sends the API's one error shape, unless the response has ended already. */
  public static void error(RoutingContext ctx, int status, String error, String message) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .end(Views.error(error, message).encode());
  }

  public static void badRequest(RoutingContext ctx, String message) {
    error(ctx, 400, "bad_request", message);
  }

  /**
   * An instant given as {@code raw}, or null when absent or empty.
   *
   * @param name the field or parameter, for the message
   * @throws IllegalArgumentException naming it and the format
   */
  public static Instant instant(String name, String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    Instant parsed;
    try {
      parsed = Instant.parse(raw);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " was '" + abbreviate(raw) + "' but it must be " + INSTANT_FORMAT);
    }
    if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
      throw new IllegalArgumentException(
          name + " was '" + raw + "' but it must be an instant from " + EARLIEST + " to " + LATEST);
    }
    return parsed;
  }

  /** A value as quoted in a message: at most 100 characters, so a huge one is not echoed. */
  public static String abbreviate(String raw) {
    return raw.length() <= 100 ? raw : raw.substring(0, 100) + "...(" + raw.length() + " chars)";
  }

  /**
   * The window of the {@code from} and {@code to} parameters, read as everywhere in the API: {@code
   * to} defaults to now and is cut to now, {@code from} defaults to {@code to - defaultLength}, and
   * {@code from} must be before {@code to}.
   *
   * @throws IllegalArgumentException naming the parameter that is wrong
   */
  public static io.nines.common.TimeRange window(
      RoutingContext ctx, Instant now, Duration defaultLength) {
    Instant askedTo = instant("to", ctx.request().getParam("to"));
    Instant askedFrom = instant("from", ctx.request().getParam("from"));
    if (askedTo != null && askedFrom != null && !askedFrom.isBefore(askedTo)) {
      throw new IllegalArgumentException(
          "from was '" + askedFrom + "' but it must be before to '" + askedTo + "'");
    }
    Instant to = askedTo == null || askedTo.isAfter(now) ? now : askedTo;
    Instant from = askedFrom == null ? to.minus(defaultLength) : askedFrom;
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException(
          "from was '" + from + "' but it must be before now (" + now + ")");
    }
    return new io.nines.common.TimeRange(from, to);
  }

  /** The page asked for, or null after answering 400. */
  static Pages.Request page(RoutingContext ctx, String list) {
    try {
      return Pages.parse(ctx, list);
    } catch (IllegalArgumentException e) {
      badRequest(ctx, e.getMessage());
      return null;
    }
  }
}
