package io.nines.channels.internal;

import io.nines.channels.Notification;
import io.nines.common.InstantText;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The words of messages: short, actionable, the same facts in every channel. What is down, where,
 * since when, the failing step and its actual value, availability this month against the target,
 * and links. Pure functions.
 */
public final class Texts {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** Longest email subject, in characters; mail clients cut longer ones anyway. */
  static final int MAX_SUBJECT = 150;

  /** Longest excerpt of an endpoint's answer kept in a delivery message. */
  static final int MAX_EXCERPT = 300;

  private Texts() {}

  /** What happened, in one upper-case word or two: {@code DOWN}, {@code RECOVERED}... */
  public static String label(Notification n) {
    switch (n.kind()) {
      case ACKNOWLEDGE:
        return "ACKNOWLEDGED";
      case RESOLVE:
        return "RECOVERED";
      default:
        return n.topic().label();
    }
  }

  /** One line: {@code DOWN Checkout: <summary>}. */
  public static String headline(Notification n) {
    return label(n) + " " + n.serviceName() + ": " + n.summary();
  }

  /** The email subject: {@code [Nines] DOWN Checkout: <summary>}, at most 150 characters. */
  public static String subject(Notification n) {
    return truncate("[Nines] " + headline(n), MAX_SUBJECT);
  }

  /** A time as {@code 2025-03-01 03:12:00 UTC}. */
  public static String time(Instant t) {
    return TIME.format(t);
  }

  /** {@code text} with every instant in it cut to the second ({@link InstantText#toSeconds}). */
  public static String toSeconds(String text) {
    return InstantText.toSeconds(text);
  }

  /** The facts, labelled, in display order: well-known details first, then the others. */
  public static Map<String, String> facts(Notification n) {
    Map<String, String> facts = new LinkedHashMap<>();
    String service =
        n.serviceName().equals(n.serviceId())
            ? n.serviceId()
            : n.serviceName() + " (" + n.serviceId() + ")";
    facts.put("Service", n.tier() == null ? service : service + ", tier " + n.tier());
    Map<String, String> d = n.details();
    putIf(facts, "Where", d.get(Notification.DETAIL_LOCATION));
    facts.put("Since", time(n.startedAt()));
    if (n.kind() == Notification.Kind.RESOLVE) {
      facts.put("Recovered", time(n.at()));
    }
    putIf(facts, "Acknowledged by", d.get(Notification.DETAIL_ACKNOWLEDGED_BY));
    putIf(facts, "Failing step", d.get(Notification.DETAIL_FAILING_STEP));
    putIf(facts, "Actual value", d.get(Notification.DETAIL_ACTUAL));
    String availability = d.get(Notification.DETAIL_AVAILABILITY);
    String target = d.get(Notification.DETAIL_TARGET);
    if (availability != null) {
      facts.put(
          "Availability",
          availability + " this month" + (target == null ? "" : " (target " + target + ")"));
    } else {
      putIf(facts, "Target", target);
    }
    putIf(facts, "Probable cause", d.get(Notification.DETAIL_ROOT_CAUSE));
    facts.put("Severity", n.severity().wire());
    putIf(facts, "Team", n.teamId());
    d.forEach(
        (k, v) -> {
          if (!WELL_KNOWN.containsKey(k)) {
            facts.put(k, v);
          }
        });
    return facts;
  }

  private static final Map<String, Boolean> WELL_KNOWN =
      Map.of(
          Notification.DETAIL_LOCATION, true,
          Notification.DETAIL_FAILING_STEP, true,
          Notification.DETAIL_ACTUAL, true,
          Notification.DETAIL_AVAILABILITY, true,
          Notification.DETAIL_TARGET, true,
          Notification.DETAIL_ACKNOWLEDGED_BY, true,
          Notification.DETAIL_ROOT_CAUSE, true);

  /** The links, labelled; only those that are set. */
  public static Map<String, String> links(Notification n) {
    Map<String, String> links = new LinkedHashMap<>();
    putIf(links, "Incident", n.links().incident());
    putIf(links, "Timeline", n.links().timeline());
    putIf(links, "Runbook", n.links().runbook());
    putIf(links, "Screenshot", n.links().screenshot());
    return links;
  }

  /** The plain-text email body. */
  public static String body(Notification n) {
    StringBuilder sb = new StringBuilder();
    sb.append(headline(n)).append("\n\n");
    Map<String, String> facts = facts(n);
    int width = facts.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    facts.forEach((k, v) -> sb.append(pad(k + ":", width)).append(v).append('\n'));
    Map<String, String> links = links(n);
    if (!links.isEmpty()) {
      sb.append('\n');
      links.forEach((k, v) -> sb.append(pad(k + ":", width)).append(v).append('\n'));
    }
    sb.append("\n-- \nNines. Incident ")
        .append(n.incidentId())
        .append(", message ")
        .append(n.idempotencyKey())
        .append('\n');
    return sb.toString();
  }

  /** Slack mrkdwn: a bold headline, the facts, and the links as {@code <url|label>}. */
  public static String slackMarkdown(Notification n) {
    StringBuilder sb = new StringBuilder();
    sb.append('*')
        .append(slackEscape(label(n)))
        .append(' ')
        .append(slackEscape(n.serviceName()))
        .append("*: ")
        .append(slackEscape(n.summary()));
    facts(n).forEach((k, v) -> sb.append("\n*").append(k).append(":* ").append(slackEscape(v)));
    Map<String, String> links = links(n);
    if (!links.isEmpty()) {
      sb.append('\n');
      StringBuilder line = new StringBuilder();
      links.forEach(
          (k, v) -> {
            if (line.length() > 0) {
              line.append(" | ");
            }
            line.append('<').append(v).append('|').append(k).append('>');
          });
      sb.append(line);
    }
    return sb.toString();
  }

  /** A short description of a failure: its type and message, without a stack trace. */
  public static String describe(Throwable t) {
    String message = t.getMessage();
    String type = t.getClass().getSimpleName();
    return message == null || message.isBlank() ? type : type + ": " + message;
  }

  /** The start of an endpoint's answer on one line, at most {@value #MAX_EXCERPT} characters. */
  static String excerpt(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    return truncate(body.strip().replaceAll("\\s+", " "), MAX_EXCERPT);
  }

  /** {@code text} cut to {@code max} characters, the last being an ellipsis when cut. */
  public static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "\u2026";
  }

  private static String slackEscape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static void putIf(Map<String, String> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }
}
