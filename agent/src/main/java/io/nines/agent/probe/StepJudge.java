package io.nines.agent.probe;

import io.nines.common.FailureKind;
import io.nines.config.Request;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.Evaluator;
import io.nines.config.assertion.JsonPath;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Subject;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Judges the final response of one step of an {@code http} check or a journey: when no assertion
 * names the status, the status must be below 400; then the step's assertions, in order, the first
 * failing one deciding ({@code HTTP_STATUS} for a status assertion, else {@code ASSERTION}); then
 * its extractions, each of which must find a value. Pure; thread-safe.
 */
final class StepJudge {
  private StepJudge() {}

  /**
   * What a step's response comes to: the variables it extracts (in the step's order), or the kind
   * and message of its failure.
   */
  record Judgement(FailureKind kind, String message, Map<String, String> extracted) {
    boolean ok() {
      return kind == null;
    }

    static Judgement failed(FailureKind kind, String message) {
      return new Judgement(kind, message, Map.of());
    }
  }

  /** Judges the response ({@code text} is its body as UTF-8) that {@code step} received. */
  static Judgement judge(
      Request step, int status, MultiMap headers, String text, Duration latency) {
    Observation observation = new HttpObservation(status, latency, headers, text);
    if (!mentionsStatus(step) && status >= 400) {
      return Judgement.failed(
          FailureKind.HTTP_STATUS,
          "status was " + status + " but it must be below 400 (no assertion names the status)");
    }
    // Only a failing assertion's message is rendered; passing ones cost their test alone.
    Evaluator.Failed failed = Evaluator.firstFailing(step.expect(), observation);
    if (failed != null) {
      FailureKind kind =
          step.expect().get(failed.index()).subject() instanceof Subject.Status
              ? FailureKind.HTTP_STATUS
              : FailureKind.ASSERTION;
      return Judgement.failed(kind, failed.verdict().message());
    }
    Map<String, String> extracted = new LinkedHashMap<>();
    for (Request.Extraction extraction : step.extract()) {
      String value = extract(extraction, headers, text);
      if (value == null) {
        return Judgement.failed(
            FailureKind.ASSERTION,
            "extract "
                + extraction.variable()
                + ": no value at "
                + extraction.from().name().toLowerCase(Locale.ROOT)
                + " "
                + extraction.expression());
      }
      extracted.put(extraction.variable(), value);
    }
    return new Judgement(null, null, extracted);
  }

  private static boolean mentionsStatus(Request step) {
    for (Assertion a : step.expect()) { // a loop, not a stream: this runs for every response
      if (a.subject() instanceof Subject.Status) {
        return true;
      }
    }
    return false;
  }

  /** Reads an extraction's value, or null when there is none. */
  static String extract(Request.Extraction extraction, MultiMap headers, String body) {
    switch (extraction.from()) {
      case HEADER:
        return headers.get(extraction.expression());
      case REGEX:
        Matcher m = Pattern.compile(extraction.expression()).matcher(body);
        if (!m.find()) {
          return null;
        }
        return m.groupCount() >= 1 ? m.group(1) : m.group();
      case JSON:
      default:
        Object json;
        try {
          json = io.vertx.core.json.Json.decodeValue(body);
        } catch (RuntimeException e) {
          return null;
        }
        return JsonPath.parse(extraction.expression())
            .select(json)
            .filter(v -> v != null)
            .map(String::valueOf)
            .orElse(null);
    }
  }

  /** The observation assertions read from an HTTP response. */
  private record HttpObservation(int statusCode, Duration took, MultiMap headers, String text)
      implements Observation {
    @Override
    public Integer status() {
      return statusCode;
    }

    @Override
    public Duration latency() {
      return took;
    }

    @Override
    public String header(String name) {
      return headers.get(name);
    }

    @Override
    public String body() {
      return text;
    }
  }
}
