package io.nines.config.assertion;

import io.nines.config.assertion.Literal.BoolLit;
import io.nines.config.assertion.Literal.DurationLit;
import io.nines.config.assertion.Literal.ListLit;
import io.nines.config.assertion.Literal.NullLit;
import io.nines.config.assertion.Literal.NumberLit;
import io.nines.config.assertion.Literal.StringLit;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Evaluates assertions against what a probe observed. Pure (no I/O, no clock) and thread-safe. It
 * never throws for any non-null assertion and observation, even assertions the parser would refuse
 * and bodies that are huge, not JSON or nested too deep: what cannot hold gives a failed {@link
 * Verdict} that says why. (Exceptions thrown by the observation's own methods pass through.)
 *
 * <p>Semantics:
 *
 * <ul>
 *   <li>numbers compare numerically ({@code 200 == 200.0}), durations as durations, strings
 *       exactly; booleans and null only for JSON values;
 *   <li>{@code contains} is a substring test on text and membership on lists (JSON arrays, {@code
 *       dns.answers}); {@code matches} finds the regular expression anywhere in the text (use
 *       {@code ^...$} to match it whole), in any of {@code dns.answers}, or in the JSON text of a
 *       JSON number or boolean;
 *   <li>{@code dns.answers == [...]} compares ignoring order, as resolvers rotate answers; {@code
 *       dns.rcode} treats FORMERROR and NOTIMPL as FORMERR and NOTIMP;
 *   <li>{@code body.$PATH} decodes the body as JSON; a body that is not JSON, or a path that leads
 *       nowhere, has no value;
 *   <li>a value the probe did not see (a missing header, a tcp check's status, no JSON value at the
 *       path) fails every assertion, with actual {@code absent} or {@code no value at $.a (...)},
 *       except {@code == null} and {@code in [..., null]}, which it satisfies; a JSON null
 *       satisfies those too.
 * </ul>
 */
public final class Evaluator {
  private Evaluator() {}

  /** The longest {@link Verdict#actual()}. */
  static final int MAX_ACTUAL = 200;

  private static final int MAX_CACHED_PATTERNS = 512;
  private static final ConcurrentHashMap<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

  /** JSON null, distinct from "no value". */
  private enum JsonNull {
    INSTANCE
  }

  /**
   * Evaluates one assertion.
   *
   * @param a the assertion, normally from {@link AssertionParser#parse}
   * @param o what the probe saw; the methods it does not support return null
   * @return whether it held, with the expected and the actual value for people
   */
  public static Verdict evaluate(Assertion a, Observation o) {
    return new Session(o).evaluate(a);
  }

  /**
   * Evaluates several assertions against one observation, decoding a JSON body at most once.
   *
   * @return one verdict per assertion, in order
   */
  public static List<Verdict> evaluateAll(List<Assertion> assertions, Observation o) {
    Session session = new Session(o);
    List<Verdict> verdicts = new ArrayList<>(assertions.size());
    for (Assertion a : assertions) {
      verdicts.add(session.evaluate(a));
    }
    return List.copyOf(verdicts);
  }

  /**
   * Evaluates assertions in order against one observation and stops at the first that does not
   * hold, decoding a JSON body at most once. Only that one's verdict is rendered: the texts of
   * assertions that hold are never built, as a probe that passes needs none of them.
   *
   * @return the first assertion that does not hold (its index in {@code assertions}) with its
   *     verdict, as {@link #evaluate} gives it; null when all hold
   */
  public static Failed firstFailing(List<Assertion> assertions, Observation o) {
    Session session = new Session(o);
    for (int i = 0; i < assertions.size(); i++) {
      Verdict failed = session.evaluate(assertions.get(i), false);
      if (failed != null) {
        return new Failed(i, failed);
      }
    }
    return null;
  }

  /**
   * The first assertion of a list that does not hold.
   *
   * @param index its index in the list
   * @param verdict its verdict (not ok)
   */
  public record Failed(int index, Verdict verdict) {}

  /** What a subject observed: a value, or why there is none. */
  private sealed interface Observed {}

  /**
   * @param value a BigDecimal, Duration, String, Boolean, JsonNull, JsonObject or List of those
   */
  private record Present(Object value) implements Observed {}

  private record Absent(String why) implements Observed {}

  /** One observation, with its body decoded as JSON on first need. */
  private static final class Session {
    private final Observation o;
    private Object json;
    private String notJson;
    private boolean decoded;

    Session(Observation o) {
      this.o = o;
    }

    Verdict evaluate(Assertion a) {
      return evaluate(a, true);
    }

    /**
     * The verdict of {@code a}; with {@code always} false, null when it holds (its texts are then
     * never rendered).
     */
    Verdict evaluate(Assertion a, boolean always) {
      Observed observed = observe(a.subject());
      boolean rcode = a.subject() instanceof Subject.DnsRcode;
      if (observed instanceof Absent absent) {
        boolean ok =
            switch (a.operator()) {
              case EQ -> a.expected() instanceof NullLit;
              case IN ->
                  a.expected() instanceof ListLit l
                      && l.items().stream().anyMatch(i -> i instanceof NullLit);
              default -> false;
            };
        return ok && !always ? null : verdict(ok, a, absent.why());
      }
      Object value = ((Present) observed).value();
      String problem = null;
      Literal lit = a.expected();
      boolean unordered = a.subject() instanceof Subject.DnsAnswers;
      boolean ok =
          switch (a.operator()) {
            case EQ -> equal(value, lit, rcode, unordered);
            case NE -> !equal(value, lit, rcode, unordered);
            case LT -> compare(value, lit, c -> c < 0);
            case LE -> compare(value, lit, c -> c <= 0);
            case GT -> compare(value, lit, c -> c > 0);
            case GE -> compare(value, lit, c -> c >= 0);
            case IN -> in(value, lit, rcode);
            case NOT_IN -> !in(value, lit, rcode);
            case CONTAINS -> contains(value, lit);
            case NOT_CONTAINS -> !contains(value, lit);
            case MATCHES -> {
              Match m = matches(value, lit);
              problem = m.problem();
              yield m.ok();
            }
          };
      if (ok && !always) {
        return null;
      }
      return verdict(ok, a, problem != null ? problem : render(value));
    }

    private Observed observe(Subject s) {
      Object raw;
      if (s instanceof Subject.Status) {
        Integer status = o.status();
        raw = status == null ? null : BigDecimal.valueOf(status.longValue());
      } else if (s instanceof Subject.Latency) {
        raw = o.latency();
      } else if (s instanceof Subject.Header h) {
        raw = o.header(h.name());
      } else if (s instanceof Subject.Body) {
        raw = o.body();
      } else if (s instanceof Subject.CertDays) {
        Long days = o.certDays();
        raw = days == null ? null : BigDecimal.valueOf(days);
      } else if (s instanceof Subject.DnsAnswers) {
        List<String> answers = o.dnsAnswers();
        raw = answers == null ? null : List.copyOf(answers.stream().map(String::valueOf).toList());
      } else if (s instanceof Subject.DnsRcode) {
        String rcode = o.dnsRcode();
        raw = rcode == null ? null : TypeChecker.canonicalRcode(rcode);
      } else if (s instanceof Subject.BrowserMetric m) {
        Object value = o.browserMetric(m.name());
        if (value instanceof Number n) {
          raw = toBigDecimal(n);
        } else {
          raw = value instanceof Duration ? value : null;
        }
      } else {
        return observeJson(((Subject.BodyJson) s).path());
      }
      return raw == null ? new Absent("absent") : new Present(raw);
    }

    private Observed observeJson(JsonPath path) {
      String where = "no value at " + path.print();
      if (o.body() == null) {
        return new Absent(where + " (there is no body)");
      }
      if (!decoded) {
        decoded = true;
        if (o.body().isBlank()) {
          notJson = "the body is empty";
        } else {
          try {
            json = Json.decodeValue(o.body());
          } catch (RuntimeException e) {
            notJson = "the body is not JSON";
          }
        }
      }
      if (notJson != null) {
        return new Absent(where + " (" + notJson + ")");
      }
      JsonPath.Lookup lookup = path.lookup(json);
      if (lookup instanceof JsonPath.Missing m) {
        return new Absent(where + " (" + m.reason() + ")");
      }
      Object found = ((JsonPath.Found) lookup).value();
      if (found == null) {
        return new Present(JsonNull.INSTANCE);
      }
      return new Present(fromJson(found));
    }
  }

  /** JSON as values of the language: numbers as BigDecimal, arrays as lists, null as JsonNull. */
  private static Object fromJson(Object json) {
    if (json == null) {
      return JsonNull.INSTANCE;
    }
    if (json instanceof Number n) {
      BigDecimal b = toBigDecimal(n);
      return b == null ? n.toString() : b;
    }
    if (json instanceof JsonArray array) {
      List<Object> items = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        items.add(fromJson(array.getValue(i)));
      }
      return items;
    }
    return json; // String, Boolean, JsonObject
  }

  private static BigDecimal toBigDecimal(Number n) {
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (n instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    double d = n.doubleValue();
    return Double.isFinite(d) ? new BigDecimal(Double.toString(d)) : null;
  }

  // ---- operators ----

  private static boolean equal(Object value, Literal lit, boolean rcode, boolean unordered) {
    if (lit instanceof NumberLit n) {
      return value instanceof BigDecimal b && b.compareTo(n.value()) == 0;
    }
    if (lit instanceof StringLit s) {
      if (!(value instanceof String text)) {
        return false;
      }
      return rcode
          ? TypeChecker.canonicalRcode(text).equals(TypeChecker.canonicalRcode(s.value()))
          : text.equals(s.value());
    }
    if (lit instanceof DurationLit d) {
      return value instanceof Duration v && v.compareTo(d.value()) == 0;
    }
    if (lit instanceof BoolLit b) {
      return value instanceof Boolean v && v == b.value();
    }
    if (lit instanceof NullLit) {
      return value == JsonNull.INSTANCE;
    }
    ListLit list = (ListLit) lit;
    if (!(value instanceof List<?> items) || items.size() != list.items().size()) {
      return false;
    }
    if (unordered) {
      List<Object> left = new ArrayList<>(items);
      for (Literal expected : list.items()) {
        int at = -1;
        for (int i = 0; i < left.size() && at < 0; i++) {
          if (equal(left.get(i), expected, false, false)) {
            at = i;
          }
        }
        if (at < 0) {
          return false;
        }
        left.remove(at);
      }
      return true;
    }
    for (int i = 0; i < items.size(); i++) {
      if (!equal(items.get(i), list.items().get(i), false, false)) {
        return false;
      }
    }
    return true;
  }

  private interface Order {
    boolean holds(int comparison);
  }

  private static boolean compare(Object value, Literal lit, Order order) {
    if (value instanceof BigDecimal b && lit instanceof NumberLit n) {
      return order.holds(b.compareTo(n.value()));
    }
    if (value instanceof Duration d && lit instanceof DurationLit l) {
      return order.holds(d.compareTo(l.value()));
    }
    return false;
  }

  private static boolean in(Object value, Literal lit, boolean rcode) {
    return lit instanceof ListLit list
        && list.items().stream().anyMatch(i -> equal(value, i, rcode, false));
  }

  private static boolean contains(Object value, Literal lit) {
    if (value instanceof String text) {
      return lit instanceof StringLit s && text.contains(s.value());
    }
    if (value instanceof List<?> items) {
      return items.stream().anyMatch(i -> equal(i, lit, false, false));
    }
    return false;
  }

  /**
   * @param problem replaces the actual value in the verdict when the match could not be tried
   */
  private record Match(boolean ok, String problem) {}

  private static Match matches(Object value, Literal lit) {
    if (!(lit instanceof StringLit s)) {
      return new Match(false, null);
    }
    Pattern pattern;
    try {
      pattern = pattern(s.value());
    } catch (PatternSyntaxException e) {
      return new Match(false, "an invalid regular expression: " + e.getDescription());
    }
    List<String> texts = new ArrayList<>();
    if (value instanceof String text) {
      texts.add(text);
    } else if (value instanceof BigDecimal || value instanceof Boolean) {
      texts.add(render(value));
    } else if (value instanceof List<?> items && !items.isEmpty()) {
      // dns.answers: some answer matches
      for (Object item : items) {
        if (item instanceof String text) {
          texts.add(text);
        }
      }
    }
    for (String text : texts) {
      try {
        if (pattern.matcher(text).find()) {
          return new Match(true, null);
        }
      } catch (StackOverflowError e) {
        // java.util.regex recurses per repetition; a long text can exhaust the stack
        return new Match(
            false,
            "a text of "
                + text.length()
                + " characters that is too long for this regular expression to search");
      }
    }
    return new Match(false, null);
  }

  private static Pattern pattern(String regex) {
    Pattern cached = PATTERNS.get(regex);
    if (cached != null) {
      return cached;
    }
    Pattern compiled = Pattern.compile(regex);
    if (PATTERNS.size() >= MAX_CACHED_PATTERNS) {
      PATTERNS.clear(); // the fleet's regexes number far fewer; this only bounds a leak
    }
    PATTERNS.put(regex, compiled);
    return compiled;
  }

  // ---- texts ----

  /** {@code == 200}, {@code one of [200, 204]}, {@code to contain "json"}, ... */
  static String expected(Operator op, Literal lit) {
    String v = lit.print();
    return switch (op) {
      case IN -> "one of " + v;
      case NOT_IN -> "none of " + v;
      case CONTAINS -> "to contain " + v;
      case NOT_CONTAINS -> "not to contain " + v;
      case MATCHES -> "to match " + v;
      default -> op.symbol() + " " + v;
    };
  }

  private static Verdict verdict(boolean ok, Assertion a, String actual) {
    return new Verdict(
        ok, a.print(), expected(a.operator(), a.expected()), Text.shorten(actual, MAX_ACTUAL));
  }

  /** A value as people read it; long values are cut well before they are rendered whole. */
  private static String render(Object value) {
    StringBuilder sb = new StringBuilder();
    render(value, sb);
    return sb.toString();
  }

  private static void render(Object value, StringBuilder sb) {
    if (sb.length() > MAX_ACTUAL) {
      return;
    }
    if (value instanceof BigDecimal b) {
      sb.append(b.toPlainString());
    } else if (value instanceof Duration d) {
      sb.append(millis(d)).append("ms");
    } else if (value instanceof String s) {
      sb.append(Text.quote(s.length() > 2 * MAX_ACTUAL ? s.substring(0, 2 * MAX_ACTUAL) : s, '"'));
    } else if (value instanceof JsonObject object) {
      String encoded = object.encode();
      sb.append(encoded, 0, Math.min(encoded.length(), 2 * MAX_ACTUAL));
    } else if (value instanceof List<?> items) {
      sb.append('[');
      for (int i = 0; i < items.size() && sb.length() <= MAX_ACTUAL; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        render(items.get(i), sb);
      }
      sb.append(']');
    } else if (value == JsonNull.INSTANCE) {
      sb.append("null");
    } else {
      sb.append(value);
    }
  }

  /** Milliseconds to at most three decimals, e.g. {@code 812.346}. */
  private static String millis(Duration d) {
    BigDecimal ms =
        BigDecimal.valueOf(d.getSeconds())
            .multiply(BigDecimal.valueOf(1000))
            .add(BigDecimal.valueOf(d.getNano(), 6))
            .setScale(3, RoundingMode.HALF_UP)
            .stripTrailingZeros();
    return ms.scale() < 0 ? ms.setScale(0).toPlainString() : ms.toPlainString();
  }
}
