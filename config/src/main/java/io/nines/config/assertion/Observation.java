package io.nines.config.assertion;

import java.time.Duration;
import java.util.List;

/**
 * What a probe saw, as assertions read it. A probe implements it over its response; each method
 * returns null when the probe has no such value (a tcp check has no status).
 */
public interface Observation {

  /** The HTTP status code, or null. */
  Integer status();

  /** How long the request took, or null. */
  Duration latency();

  /** A response header by name, case-insensitively; null when absent. */
  String header(String name);

  /** The response body as text (UTF-8), or null. */
  String body();

  /** Whole days until the leaf certificate expires, or null. */
  Long certDays();

  /** DNS answers as strings (addresses, names, MX as {@code "10 mx.example."}), or null. */
  List<String> dnsAnswers();

  /** The DNS response code name, e.g. {@code NOERROR}, or null. */
  String dnsRcode();
}
