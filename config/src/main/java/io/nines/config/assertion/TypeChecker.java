package io.nines.config.assertion;

import io.nines.config.assertion.Literal.DurationLit;
import io.nines.config.assertion.Literal.ListLit;
import io.nines.config.assertion.Literal.NullLit;
import io.nines.config.assertion.Literal.NumberLit;
import io.nines.config.assertion.Literal.StringLit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Checks that an assertion's operator applies to its subject and that its value fits both. Rules:
 *
 * <ul>
 *   <li>numbers ({@code status}, {@code cert.days}) and durations ({@code latency}) take {@code ==
 *       != < <= > >= in, not in}, with a number or a duration respectively (or {@code null} for the
 *       equality operators);
 *   <li>text ({@code header.NAME}, {@code body}, {@code dns.rcode}) takes {@code == != in, not in}
 *       with strings or {@code null}, {@code contains} with a string, {@code matches} with a valid
 *       regular expression; {@code dns.rcode} values must be response code names;
 *   <li>{@code dns.answers} (a list of strings) takes {@code == !=} with a list of strings
 *       (compared ignoring order), {@code contains} with a string, {@code matches} with a regular
 *       expression (some answer matches);
 *   <li>{@code body.$PATH} (any JSON value) takes every operator: equality with any value but a
 *       duration, ordering with a number, {@code contains} with a single value, {@code matches}
 *       with a regular expression;
 *   <li>{@code in} and {@code not in} take a non-empty list whose items fit {@code ==}.
 * </ul>
 */
final class TypeChecker {
  private TypeChecker() {}

  /** The DNS response code names (RFC 1035, 2136, 2671, 2845). */
  static final List<String> RCODES =
      List.of(
          "NOERROR",
          "FORMERR",
          "SERVFAIL",
          "NXDOMAIN",
          "NOTIMP",
          "REFUSED",
          "YXDOMAIN",
          "YXRRSET",
          "NXRRSET",
          "NOTAUTH",
          "NOTZONE",
          "BADVERS",
          "BADSIG",
          "BADKEY",
          "BADTIME");

  /** Other spellings in use (Vert.x's DnsResponseCode), mapped to the names above. */
  static final Map<String, String> RCODE_ALIASES =
      Map.of("FORMERROR", "FORMERR", "NOTIMPL", "NOTIMP");

  private static final Set<Operator> FOR_NUMBERS =
      EnumSet.of(
          Operator.EQ,
          Operator.NE,
          Operator.LT,
          Operator.LE,
          Operator.GT,
          Operator.GE,
          Operator.IN,
          Operator.NOT_IN);
  private static final Set<Operator> FOR_TEXT =
      EnumSet.of(
          Operator.EQ,
          Operator.NE,
          Operator.IN,
          Operator.NOT_IN,
          Operator.CONTAINS,
          Operator.NOT_CONTAINS,
          Operator.MATCHES);
  private static final Set<Operator> FOR_LISTS =
      EnumSet.of(
          Operator.EQ, Operator.NE, Operator.CONTAINS, Operator.NOT_CONTAINS, Operator.MATCHES);

  /**
   * @param columnOf the column of a {@link Subject}, {@link Operator} or {@link Literal} node
   * @throws AssertionSyntaxException at the column of the offending node
   */
  static void check(Assertion a, ToIntFunction<Object> columnOf) {
    Subject subject = a.subject();
    Operator op = a.operator();
    Literal value = a.expected();
    Set<Operator> allowed = allowedOperators(subject);
    if (!allowed.contains(op)) {
      throw new AssertionSyntaxException(
          columnOf.applyAsInt(op),
          "'"
              + op.symbol()
              + "' does not apply to "
              + name(subject)
              + ", which is "
              + kind(subject)
              + "; use "
              + allowed.stream().map(Operator::symbol).collect(Collectors.joining(", ")));
    }
    switch (op) {
      case EQ, NE -> checkEquality(subject, op, value, columnOf);
      case LT, LE, GT, GE -> checkOrdering(subject, op, value, columnOf);
      case IN, NOT_IN -> {
        if (!(value instanceof ListLit list)) {
          throw mismatch(subject, op, "a list such as " + listExample(subject), value, columnOf);
        }
        if (list.items().isEmpty()) {
          throw new AssertionSyntaxException(
              columnOf.applyAsInt(value),
              "'"
                  + op.symbol()
                  + "' needs at least one value in its list, such as "
                  + listExample(subject));
        }
        for (Literal item : list.items()) {
          checkEquality(subject, op, item, columnOf);
        }
      }
      case CONTAINS, NOT_CONTAINS -> checkContains(subject, op, value, columnOf);
      case MATCHES -> checkRegex(subject, op, value, columnOf);
    }
  }

  private static Set<Operator> allowedOperators(Subject subject) {
    return switch (subject.type()) {
      case NUMBER, DURATION -> FOR_NUMBERS;
      case STRING -> FOR_TEXT;
      case LIST -> FOR_LISTS;
      default -> EnumSet.allOf(Operator.class);
    };
  }

  private static void checkEquality(
      Subject subject, Operator op, Literal value, ToIntFunction<Object> columnOf) {
    if (value instanceof NullLit) {
      return;
    }
    switch (subject.type()) {
      case NUMBER -> {
        if (!(value instanceof NumberLit)) {
          throw mismatch(subject, op, "a number such as " + example(subject), value, columnOf);
        }
      }
      case DURATION -> {
        if (!(value instanceof DurationLit)) {
          throw mismatch(subject, op, "a duration such as 800ms", value, columnOf);
        }
      }
      case STRING -> {
        if (!(value instanceof StringLit s)) {
          throw mismatch(
              subject, op, "a string in quotes such as " + example(subject), value, columnOf);
        }
        if (subject instanceof Subject.DnsRcode && !isRcode(s.value())) {
          throw new AssertionSyntaxException(
              columnOf.applyAsInt(value),
              "dns.rcode is a DNS response code: expected one of "
                  + String.join(", ", RCODES)
                  + " but found "
                  + describe(value));
        }
      }
      case LIST -> {
        if (!(value instanceof ListLit list)
            || !list.items().stream().allMatch(i -> i instanceof StringLit)) {
          String hint = value instanceof StringLit ? "; to look for one answer use 'contains'" : "";
          throw mismatch(
              subject, op, "a list of strings such as [\"10.0.0.1\"]", value, columnOf, hint);
        }
      }
      default -> checkJsonValue(subject, value, columnOf);
    }
  }

  /** JSON has no durations; everything else, nested in lists too, may be compared with JSON. */
  private static void checkJsonValue(
      Subject subject, Literal value, ToIntFunction<Object> columnOf) {
    if (value instanceof DurationLit) {
      throw new AssertionSyntaxException(
          columnOf.applyAsInt(value),
          name(subject)
              + " is a JSON value, which is never a duration; compare it with the number or"
              + " string the JSON holds instead of "
              + value.print());
    }
    if (value instanceof ListLit list) {
      for (Literal item : list.items()) {
        checkJsonValue(subject, item, columnOf);
      }
    }
  }

  private static void checkOrdering(
      Subject subject, Operator op, Literal value, ToIntFunction<Object> columnOf) {
    boolean ok =
        subject.type() == ValueType.DURATION
            ? value instanceof DurationLit
            : value instanceof NumberLit;
    if (!ok) {
      String wanted =
          subject.type() == ValueType.DURATION
              ? "a duration such as 800ms"
              : "a number such as " + example(subject);
      throw mismatch(subject, op, wanted, value, columnOf);
    }
  }

  private static void checkContains(
      Subject subject, Operator op, Literal value, ToIntFunction<Object> columnOf) {
    if (subject.type() == ValueType.ANY) {
      if (value instanceof ListLit || value instanceof DurationLit) {
        throw mismatch(
            subject,
            op,
            "a single value (a string, a number, true, false or null)",
            value,
            columnOf);
      }
      return;
    }
    if (!(value instanceof StringLit)) {
      String wanted =
          subject.type() == ValueType.LIST
              ? "one string such as \"10.0.0.1\""
              : "a string in quotes such as " + example(subject);
      throw mismatch(subject, op, wanted, value, columnOf);
    }
  }

  private static void checkRegex(
      Subject subject, Operator op, Literal value, ToIntFunction<Object> columnOf) {
    if (!(value instanceof StringLit s)) {
      throw mismatch(
          subject, op, "a regular expression in quotes such as \"^ok$\"", value, columnOf);
    }
    try {
      Pattern.compile(s.value());
    } catch (PatternSyntaxException e) {
      throw new AssertionSyntaxException(
          columnOf.applyAsInt(value),
          "the regular expression "
              + Text.shorten(value.print(), 80)
              + " is not valid: "
              + e.getDescription()
              + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionSyntaxException(
          columnOf.applyAsInt(value),
          "the regular expression " + Text.shorten(value.print(), 80) + " is not valid: " + e);
    }
  }

  static boolean isRcode(String name) {
    return RCODES.contains(name) || RCODE_ALIASES.containsKey(name);
  }

  /** The canonical name of a response code: aliases mapped, anything else as is. */
  static String canonicalRcode(String name) {
    return RCODE_ALIASES.getOrDefault(name, name);
  }

  private static AssertionSyntaxException mismatch(
      Subject subject, Operator op, String wanted, Literal found, ToIntFunction<Object> columnOf) {
    return mismatch(subject, op, wanted, found, columnOf, "");
  }

  private static AssertionSyntaxException mismatch(
      Subject subject,
      Operator op,
      String wanted,
      Literal found,
      ToIntFunction<Object> columnOf,
      String hint) {
    return new AssertionSyntaxException(
        columnOf.applyAsInt(found),
        name(subject)
            + " is "
            + kind(subject)
            + ", so '"
            + op.symbol()
            + "' needs "
            + wanted
            + " but found "
            + describe(found)
            + hint);
  }

  static String name(Subject subject) {
    return Text.shorten(Text.printable(subject.print()), 80);
  }

  private static String kind(Subject subject) {
    return switch (subject.type()) {
      case NUMBER -> "a number";
      case DURATION -> "a duration";
      case STRING -> subject instanceof Subject.DnsRcode ? "a DNS response code" : "text";
      case LIST -> "a list of strings";
      default -> "a JSON value";
    };
  }

  private static String example(Subject subject) {
    if (subject instanceof Subject.Status) {
      return "200";
    }
    if (subject instanceof Subject.CertDays) {
      return "14";
    }
    if (subject instanceof Subject.BrowserMetric) {
      return subject.print().equals("cls") ? "0.1" : "0";
    }
    if (subject instanceof Subject.Header) {
      return "\"application/json\"";
    }
    if (subject instanceof Subject.DnsRcode) {
      return "\"NOERROR\"";
    }
    if (subject instanceof Subject.BodyJson) {
      return "10";
    }
    return "\"UP\"";
  }

  private static String listExample(Subject subject) {
    return switch (subject.type()) {
      case NUMBER -> subject instanceof Subject.Status ? "[200, 204]" : "[14, 30]";
      case DURATION -> "[100ms, 200ms]";
      case STRING ->
          subject instanceof Subject.DnsRcode ? "[\"NOERROR\", \"NXDOMAIN\"]" : "[\"a\", \"b\"]";
      default -> "[\"a\", \"b\"]";
    };
  }

  /** {@code the number 800}, {@code the string "abc"}, ... */
  static String describe(Literal value) {
    String text = Text.shorten(value.print(), 80);
    if (value instanceof NumberLit) {
      return "the number " + text;
    }
    if (value instanceof StringLit) {
      return "the string " + text;
    }
    if (value instanceof DurationLit) {
      return "the duration " + text;
    }
    if (value instanceof ListLit) {
      return "the list " + text;
    }
    return text;
  }
}
