package io.nines.config.assertion;

import java.time.Duration;
import java.util.List;

/**
 * What a probe saw, as assertions read it. A probe implements it over its response; each method
 * returns null when the probe has no such value (a tcp check has no status).
 */
public interface Observation {

  /** The HTTP status code, or null. */
  default Integer status() {
    return null;
  }

  /** How long the request took, or null. */
  default Duration latency() {
    return null;
  }

  /** A response header by name, case-insensitively; null when absent. */
  default String header(String name) {
    return null;
  }

  /** The response body as text (UTF-8), or null. */
  default String body() {
    return null;
  }

  /** Whole days until the leaf certificate expires, or null. */
  default Long certDays() {
    return null;
  }

  /** DNS answers as strings (addresses, names, MX as {@code "10 mx.example."}), or null. */
  default List<String> dnsAnswers() {
    return null;
  }

  /** The DNS response code name, e.g. {@code NOERROR}, or null. */
  default String dnsRcode() {
    return null;
  }

  /**
   * A browser check's metric by name ({@link Subject#BROWSER_METRICS}): a {@link Duration} for lcp,
   * fcp, inp and ttfb, a {@link Number} for cls, console.errors and requests.failed; null when the
   * browser did not report it.
   */
  default Object browserMetric(String name) {
    return null;
  }
}
