package io.nines.config.assertion;

import java.util.List;
import java.util.stream.Stream;

/**
 * Parses and type-checks the assertion language. Pure and thread-safe. The grammar, the subjects of
 * each check type and the operators are described in {@code docs/assertions.md}.
 */
public final class AssertionParser {
  private AssertionParser() {}

  /** The subjects http and journey checks offer, in the order messages list them. */
  private static final List<String> HTTP_SUBJECTS =
      List.of("status", "latency", "header.NAME", "body", "body.$PATH");

  /** The subjects browser checks offer. */
  private static final List<String> BROWSER_SUBJECTS =
      Stream.concat(Stream.of("latency"), Subject.BROWSER_METRICS.stream()).toList();

  /**
   * Parses one assertion and checks its types: that the operator applies to the subject and that
   * the value fits both (e.g. {@code latency < 800} is refused: latency needs a duration such as
   * {@code 800ms}; {@code matches} needs a valid regular expression).
   *
   * <p>Never throws anything but {@link AssertionSyntaxException}, for any input including null;
   * texts longer than 1000 characters and lists nested more than 8 deep are refused.
   *
   * @throws AssertionSyntaxException with the 1-based column of the problem and a message saying
   *     what was found and what was expected
   */
  public static Assertion parse(String text) {
    return Parser.parseAssertion(text);
  }

  /**
   * Checks that a check of type {@code checkType} observes the assertion's subject: http and
   * journey offer status, latency, header.NAME, body and body.$PATH; tcp offers latency and body
   * (what the peer answered); dns offers latency, dns.answers and dns.rcode; tls offers latency and
   * cert.days; browser offers latency, lcp, cls, inp, fcp, ttfb, console.errors and
   * requests.failed.
   *
   * @param checkType {@code http}, {@code journey}, {@code tcp}, {@code dns}, {@code tls} or {@code
   *     browser}
   * @throws AssertionSyntaxException at column 1 when the subject is not available, e.g. {@code
   *     'status' is not available in a dns check; use one of latency, dns.answers, dns.rcode}
   * @throws IllegalArgumentException when {@code checkType} is not one of the types above
   */
  public static void checkApplies(Assertion a, String checkType) {
    List<String> offered = subjectsOf(checkType);
    Subject s = a.subject();
    boolean ok =
        switch (checkType) {
          case "http", "journey" ->
              s instanceof Subject.Status
                  || s instanceof Subject.Latency
                  || s instanceof Subject.Header
                  || s instanceof Subject.Body
                  || s instanceof Subject.BodyJson;
          case "tcp" -> s instanceof Subject.Latency || s instanceof Subject.Body;
          case "websocket" ->
              s instanceof Subject.Latency
                  || s instanceof Subject.Body
                  || s instanceof Subject.BodyJson;
          case "browser" -> s instanceof Subject.Latency || s instanceof Subject.BrowserMetric;
          case "dns" ->
              s instanceof Subject.Latency
                  || s instanceof Subject.DnsAnswers
                  || s instanceof Subject.DnsRcode;
          default -> s instanceof Subject.Latency || s instanceof Subject.CertDays;
        };
    if (!ok) {
      throw new AssertionSyntaxException(
          1,
          "'"
              + TypeChecker.name(s)
              + "' is not available in a "
              + checkType
              + " check; use one of "
              + String.join(", ", offered));
    }
  }

  /**
   * The subjects a check type offers, as written in messages ({@code header.NAME} for any header).
   *
   * @throws IllegalArgumentException when {@code checkType} is unknown
   */
  public static List<String> subjectsOf(String checkType) {
    if (checkType == null) {
      throw new IllegalArgumentException(
          "checkType: null (expected: one of http, journey, tcp, dns, tls, browser)");
    }
    return switch (checkType) {
      case "http", "journey" -> HTTP_SUBJECTS;
      case "tcp" -> List.of("latency", "body");
      case "dns" -> List.of("latency", "dns.answers", "dns.rcode");
      case "tls" -> List.of("latency", "cert.days");
      case "websocket" -> List.of("latency", "body", "body.$PATH");
      case "browser" -> BROWSER_SUBJECTS;
      default ->
          throw new IllegalArgumentException(
              "checkType: '"
                  + checkType
                  + "' (expected: one of http, journey, tcp, dns, tls, websocket, browser)");
    };
  }
}
