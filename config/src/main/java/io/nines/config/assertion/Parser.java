package io.nines.config.assertion;

import io.nines.config.assertion.Literal.BoolLit;
import io.nines.config.assertion.Literal.DurationLit;
import io.nines.config.assertion.Literal.ListLit;
import io.nines.config.assertion.Literal.NullLit;
import io.nines.config.assertion.Literal.NumberLit;
import io.nines.config.assertion.Literal.StringLit;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lexer and recursive-descent parser of the assertion language; one instance parses one text.
 * Scanning is done on characters as the parser asks for tokens, because what a token is depends on
 * where it stands (a header name may contain {@code -}, a JSON path {@code [}).
 *
 * <p>It terminates quickly on any input: the text is at most {@link #MAX_LENGTH} characters, every
 * step consumes characters, and lists nest at most {@link #MAX_LIST_DEPTH} deep, which also bounds
 * the recursion. Every error is an {@link AssertionSyntaxException}.
 */
final class Parser {
  static final int MAX_LENGTH = 1000;
  static final int MAX_LIST_DEPTH = 8;

  /** Durations up to this many milliseconds (about 31,700 years) fit every downstream type. */
  private static final BigDecimal MAX_DURATION_MILLIS = new BigDecimal("1E15");

  static final String SUBJECTS =
      "status, latency, header.NAME, body, body.$PATH, cert.days, dns.answers, dns.rcode, lcp, cls,"
          + " inp, fcp, ttfb, console.errors, requests.failed";
  static final String OPERATORS =
      "==, !=, <, <=, >, >=, in, not in, contains, not contains, matches";
  static final String VALUES =
      "a number, a duration such as 800ms, a string in quotes, true, false, null or a [list]";

  private final String text;
  private int pos;

  /** The column of every literal, by identity, for the type checker's messages. */
  private final Map<Literal, Integer> literalColumns = new IdentityHashMap<>();

  private int subjectColumn = 1;
  private int operatorColumn = 1;

  private Parser(String text) {
    this.text = text;
  }

  /** Parses and type-checks one assertion. */
  static Assertion parseAssertion(String text) {
    Parser p = new Parser(checkLength(text, "an assertion"));
    Assertion a = p.assertion();
    TypeChecker.check(a, p::columnOf);
    return a;
  }

  /** Parses a whole text as a JSON path such as {@code $.cart.items[0]}. */
  static JsonPath parseJsonPath(String text) {
    Parser p = new Parser(checkLength(text, "a JSON path"));
    p.skipWhitespace();
    if (!p.at('$')) {
      throw p.error(
          p.pos, "expected a JSON path starting with '$', such as $.token, but found " + p.found());
    }
    JsonPath path = p.jsonPath();
    p.skipWhitespace();
    if (!p.atEnd()) {
      throw p.error(p.pos, "expected the end of the JSON path but found " + p.found());
    }
    return path;
  }

  private static String checkLength(String text, String what) {
    if (text == null) {
      throw new AssertionSyntaxException(1, "expected " + what + " but found nothing (null)");
    }
    if (text.length() > MAX_LENGTH) {
      throw new AssertionSyntaxException(
          MAX_LENGTH + 1,
          what
              + " may be at most "
              + MAX_LENGTH
              + " characters long but this one has "
              + text.length());
    }
    return text;
  }

  int columnOf(Object node) {
    if (node instanceof Subject) {
      return subjectColumn;
    }
    if (node instanceof Operator) {
      return operatorColumn;
    }
    Integer column = literalColumns.get(node);
    return column == null ? 1 : column;
  }

  // ---- grammar ----

  /** assertion := subject operator value */
  private Assertion assertion() {
    skipWhitespace();
    subjectColumn = pos + 1;
    Subject subject = subject();
    skipWhitespace();
    operatorColumn = pos + 1;
    Operator operator = operator();
    skipWhitespace();
    Literal value = value(0);
    skipWhitespace();
    if (!atEnd()) {
      String hint =
          isWordChar(peek()) && List.of("and", "or", "&&", "||").contains(word(pos))
              ? "; write each assertion as its own item of the expect list"
              : "";
      throw error(pos, "expected the end of the assertion but found " + found() + hint);
    }
    return new Assertion(subject, operator, value);
  }

  /**
   * subject := 'status' | 'latency' | 'header' '.' NAME | 'body' ( '.' jsonPath )? | 'cert' '.'
   * 'days' | 'dns' '.' ( 'answers' | 'rcode' )
   */
  private Subject subject() {
    int start = pos;
    if (atEnd() || !isWordChar(peek())) {
      throw error(pos, "expected a subject (" + SUBJECTS + ") but found " + found());
    }
    String word = word(pos);
    switch (word) {
      case "status" -> {
        pos += word.length();
        return new Subject.Status();
      }
      case "latency" -> {
        pos += word.length();
        return new Subject.Latency();
      }
      case "header" -> {
        pos += word.length();
        expectDot("a header name after 'header', such as header.Content-Type,");
        int nameStart = pos;
        while (!atEnd() && isHeaderNameChar(peek()) && !(peek() == '!' && peekAt(pos + 1) == '=')) {
          pos++;
        }
        if (pos == nameStart) {
          throw error(
              pos,
              "expected a header name after 'header.', such as Content-Type, but found " + found());
        }
        return new Subject.Header(text.substring(nameStart, pos));
      }
      case "body" -> {
        pos += word.length();
        if (!at('.')) {
          return new Subject.Body();
        }
        pos++;
        if (!at('$')) {
          throw error(
              pos,
              "expected a JSON path starting with '$' after 'body.', such as body.$.status, but found "
                  + found());
        }
        return new Subject.BodyJson(jsonPath());
      }
      case "cert" -> {
        pos += word.length();
        expectDot("'days' after 'cert', as in cert.days,");
        expectWord(List.of("days"), "'days' after 'cert.'");
        return new Subject.CertDays();
      }
      case "dns" -> {
        pos += word.length();
        expectDot("'answers' or 'rcode' after 'dns', as in dns.answers or dns.rcode,");
        String which = expectWord(List.of("answers", "rcode"), "'answers' or 'rcode' after 'dns.'");
        return which.equals("answers") ? new Subject.DnsAnswers() : new Subject.DnsRcode();
      }
      case "lcp", "cls", "inp", "fcp", "ttfb" -> {
        pos += word.length();
        return new Subject.BrowserMetric(word);
      }
      case "console" -> {
        pos += word.length();
        expectDot("'errors' after 'console', as in console.errors,");
        expectWord(List.of("errors"), "'errors' after 'console.'");
        return new Subject.BrowserMetric("console.errors");
      }
      case "requests" -> {
        pos += word.length();
        expectDot("'failed' after 'requests', as in requests.failed,");
        expectWord(List.of("failed"), "'failed' after 'requests.'");
        return new Subject.BrowserMetric("requests.failed");
      }
      default -> throw error(start, "expected a subject (" + SUBJECTS + ") but found " + found());
    }
  }

  /** jsonPath := '$' ( '.' NAME | '[' INDEX ']' | '[' STRING ']' )* */
  private JsonPath jsonPath() {
    pos++; // the '$'
    List<Object> segments = new ArrayList<>();
    while (true) {
      if (at('.')) {
        pos++;
        int nameStart = pos;
        while (!atEnd() && isPathNameChar(peek())) {
          pos++;
        }
        if (pos == nameStart) {
          throw error(
              pos,
              "expected a member name after '.' in the JSON path, such as $.cart, or ['a name'] for"
                  + " other names, but found "
                  + found());
        }
        segments.add(text.substring(nameStart, pos));
      } else if (at('[')) {
        pos++;
        skipWhitespace();
        if (at('"') || at('\'')) {
          segments.add(string());
        } else if (!atEnd() && isDigit(peek())) {
          segments.add(index());
        } else if (at('-')) {
          throw error(pos, "JSON path indexes count from 0; negative indexes are not supported");
        } else {
          throw error(
              pos,
              "expected an index such as [0] or a quoted name such as ['a name'] in the JSON path"
                  + " but found "
                  + found());
        }
        skipWhitespace();
        if (!at(']')) {
          throw error(pos, "expected ']' to close the JSON path segment but found " + found());
        }
        pos++;
      } else {
        return new JsonPath(segments);
      }
    }
  }

  private int index() {
    int start = pos;
    while (!atEnd() && isDigit(peek())) {
      pos++;
    }
    String digits = text.substring(start, pos);
    if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE) {
      throw error(
          start,
          "the JSON path index " + digits + " is too large; the largest is " + Integer.MAX_VALUE);
    }
    return Integer.parseInt(digits);
  }

  /**
   * operator := '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not' 'in' | 'contains' | 'not'
   * 'contains' | 'matches'
   */
  private Operator operator() {
    int start = pos;
    if (atEnd()) {
      throw error(pos, "expected an operator (" + OPERATORS + ") but found " + found());
    }
    char c = peek();
    char next = peekAt(pos + 1);
    switch (c) {
      case '=' -> {
        if (next == '=') {
          pos += 2;
          return Operator.EQ;
        }
        throw error(
            pos, "expected an operator (" + OPERATORS + ") but found '='; use '==' to compare");
      }
      case '!' -> {
        if (next == '=') {
          pos += 2;
          return Operator.NE;
        }
      }
      case '<' -> {
        pos += next == '=' ? 2 : 1;
        return next == '=' ? Operator.LE : Operator.LT;
      }
      case '>' -> {
        pos += next == '=' ? 2 : 1;
        return next == '=' ? Operator.GE : Operator.GT;
      }
      default -> {
        if (isWordChar(c)) {
          String word = word(pos);
          switch (word) {
            case "in" -> {
              pos += word.length();
              return Operator.IN;
            }
            case "contains" -> {
              pos += word.length();
              return Operator.CONTAINS;
            }
            case "matches" -> {
              pos += word.length();
              return Operator.MATCHES;
            }
            case "not" -> {
              pos += word.length();
              skipWhitespace();
              String what = expectWord(List.of("in", "contains"), "'in' or 'contains' after 'not'");
              return what.equals("in") ? Operator.NOT_IN : Operator.NOT_CONTAINS;
            }
            default -> {
              // an error below
            }
          }
        }
      }
    }
    throw error(start, "expected an operator (" + OPERATORS + ") but found " + found());
  }

  /** value := NUMBER | DURATION | STRING | 'true' | 'false' | 'null' | list */
  private Literal value(int depth) {
    int start = pos;
    Literal literal = valueAt(depth);
    literalColumns.put(literal, start + 1);
    return literal;
  }

  private Literal valueAt(int depth) {
    if (atEnd()) {
      throw error(pos, "expected a value (" + VALUES + ") but found " + found());
    }
    char c = peek();
    if (c == '"' || c == '\'') {
      return new StringLit(string());
    }
    if (c == '[') {
      return list(depth);
    }
    if (isDigit(c) || (c == '-' && isDigit(peekAt(pos + 1)))) {
      return numberOrDuration();
    }
    if (c == '.' && isDigit(peekAt(pos + 1))) {
      throw error(pos, "a number needs a digit before its decimal point, as in 0.5");
    }
    if (isWordChar(c)) {
      String word = word(pos);
      switch (word) {
        case "true" -> {
          pos += word.length();
          return new BoolLit(true);
        }
        case "false" -> {
          pos += word.length();
          return new BoolLit(false);
        }
        case "null" -> {
          pos += word.length();
          return new NullLit();
        }
        default ->
            throw error(
                pos,
                "expected a value ("
                    + VALUES
                    + ") but found "
                    + found()
                    + "; text needs quotes, as in "
                    + Text.quote(Text.printable(word), '"'));
      }
    }
    throw error(pos, "expected a value (" + VALUES + ") but found " + found());
  }

  /** list := '[' ( value ( ',' value )* )? ']' */
  private Literal list(int depth) {
    int open = pos;
    if (depth >= MAX_LIST_DEPTH) {
      throw error(pos, "lists may nest at most " + MAX_LIST_DEPTH + " deep");
    }
    pos++;
    List<Literal> items = new ArrayList<>();
    skipWhitespace();
    if (at(']')) {
      pos++;
      return new ListLit(items);
    }
    while (true) {
      skipWhitespace();
      items.add(value(depth + 1));
      skipWhitespace();
      if (at(',')) {
        pos++;
      } else if (at(']')) {
        pos++;
        return new ListLit(items);
      } else if (atEnd()) {
        throw error(
            pos,
            "expected ',' or ']' to continue the list opened at column "
                + (open + 1)
                + " but found "
                + found());
      } else {
        throw error(pos, "expected ',' or ']' in the list but found " + found());
      }
    }
  }

  /**
   * NUMBER := '-'? DIGIT+ ( '.' DIGIT+ )?; DURATION := DIGIT+ ( '.' DIGIT+ )? ( ms | s | m | h )
   */
  private Literal numberOrDuration() {
    int start = pos;
    if (at('-')) {
      pos++;
    }
    while (!atEnd() && isDigit(peek())) {
      pos++;
    }
    if (at('.')) {
      pos++;
      if (atEnd() || !isDigit(peek())) {
        throw error(
            pos,
            "expected digits after the decimal point of "
                + text.substring(start, pos)
                + " but found "
                + found());
      }
      while (!atEnd() && isDigit(peek())) {
        pos++;
      }
    }
    String number = text.substring(start, pos);
    BigDecimal value = new BigDecimal(number);
    if (atEnd() || !isLetter(peek())) {
      return new NumberLit(value);
    }
    int unitStart = pos;
    while (!atEnd() && isWordChar(peek())) {
      pos++;
    }
    String unit = text.substring(unitStart, pos);
    long unitMillis =
        switch (unit) {
          case "ms" -> 1;
          case "s" -> 1000;
          case "m" -> 60_000;
          case "h" -> 3_600_000;
          default ->
              throw error(
                  unitStart,
                  "unknown duration unit '"
                      + Text.printable(unit)
                      + "' in '"
                      + Text.printable(number + unit)
                      + "'; use ms, s, m or h, as in 800ms");
        };
    if (value.signum() < 0) {
      throw error(start, "a duration cannot be negative, but found " + number + unit);
    }
    BigDecimal millis = value.multiply(BigDecimal.valueOf(unitMillis));
    if (millis.compareTo(MAX_DURATION_MILLIS) > 0) {
      throw error(start, "the duration " + number + unit + " is too long");
    }
    if (millis.stripTrailingZeros().scale() > 0) {
      throw error(
          start,
          "durations count whole milliseconds, but "
              + number
              + unit
              + " is "
              + millis.stripTrailingZeros().toPlainString()
              + "ms");
    }
    return new DurationLit(Duration.ofMillis(millis.longValueExact()));
  }

  /**
   * STRING := '"' ... '"' | "'" ... "'", with the escapes {@code \" \' \\ \n \t \r \}{@code uXXXX}.
   * A backslash before any other character is kept as written, so regular expressions such as
   * {@code "^\d+$"} read as they look.
   */
  private String string() {
    int open = pos;
    char quote = peek();
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (atEnd()) {
        throw error(
            open, "this string has no closing " + quote + " before the end of the assertion");
      }
      char c = text.charAt(pos);
      if (c == quote) {
        pos++;
        return sb.toString();
      }
      if (c != '\\') {
        sb.append(c);
        pos++;
        continue;
      }
      int backslash = pos;
      pos++;
      if (atEnd()) {
        throw error(
            open, "this string has no closing " + quote + " before the end of the assertion");
      }
      char e = text.charAt(pos);
      pos++;
      switch (e) {
        case '"', '\'', '\\' -> sb.append(e);
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'u' -> {
          int value = 0;
          for (int i = 0; i < 4; i++) {
            int digit = atEnd() ? -1 : Character.digit(peek(), 16);
            if (digit < 0 || !isAscii(peek())) {
              throw error(
                  backslash,
                  "expected 4 hex digits after \\u, as in \\u00e9, but found "
                      + Text.printable(
                          text.substring(backslash, Math.min(text.length(), backslash + 6))));
            }
            value = value * 16 + digit;
            pos++;
          }
          sb.append((char) value);
        }
        default -> sb.append('\\').append(e);
      }
    }
  }

  // ---- scanning ----

  private void expectDot(String what) {
    if (!at('.')) {
      throw error(pos, "expected '.' and " + what + " but found " + found());
    }
    pos++;
  }

  private String expectWord(List<String> allowed, String what) {
    String word = !atEnd() && isWordChar(peek()) ? word(pos) : "";
    if (!allowed.contains(word)) {
      throw error(pos, "expected " + what + " but found " + found());
    }
    pos += word.length();
    return word;
  }

  /** The run of word characters at {@code from}. */
  private String word(int from) {
    int end = from;
    while (end < text.length() && isWordChar(text.charAt(end))) {
      end++;
    }
    return text.substring(from, end);
  }

  /** What is at {@link #pos}, for messages: {@code 'equals'}, {@code '='}, the end. */
  private String found() {
    if (atEnd()) {
      return "the end of the assertion";
    }
    char c = peek();
    if (c == ' ') {
      return "a space";
    }
    String token;
    if (isWordChar(c)) {
      token = word(pos);
    } else if ("=!<>".indexOf(c) >= 0) {
      int end = pos;
      while (end < text.length() && "=!<>".indexOf(text.charAt(end)) >= 0) {
        end++;
      }
      token = text.substring(pos, end);
    } else {
      token = new String(Character.toChars(text.codePointAt(pos)));
    }
    return "'" + Text.printable(Text.shorten(token, 40)) + "'";
  }

  private void skipWhitespace() {
    while (!atEnd() && Character.isWhitespace(peek())) {
      pos++;
    }
  }

  private boolean atEnd() {
    return pos >= text.length();
  }

  private boolean at(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private char peek() {
    return text.charAt(pos);
  }

  private char peekAt(int index) {
    return index < text.length() ? text.charAt(index) : '\0';
  }

  private AssertionSyntaxException error(int index, String message) {
    return new AssertionSyntaxException(index + 1, message);
  }

  private static boolean isAscii(char c) {
    return c < 0x80;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** Keywords, subjects, units: ASCII letters, digits and {@code _}. */
  private static boolean isWordChar(char c) {
    return isLetter(c) || isDigit(c) || c == '_';
  }

  /** Characters of a dotted JSON path member name: letters, digits, {@code _} and {@code -}. */
  private static boolean isPathNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  /** An HTTP token character (RFC 9110): letters, digits and {@code !#$%&'*+-.^_`|~}. */
  static boolean isHeaderNameChar(int c) {
    return (c < 0x80 && isWordChar((char) c)) || "!#$%&'*+-.^`|~".indexOf(c) >= 0;
  }
}
