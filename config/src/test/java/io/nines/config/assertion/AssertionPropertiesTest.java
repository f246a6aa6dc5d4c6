package io.nines.config.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.config.assertion.Literal.BoolLit;
import io.nines.config.assertion.Literal.DurationLit;
import io.nines.config.assertion.Literal.ListLit;
import io.nines.config.assertion.Literal.NullLit;
import io.nines.config.assertion.Literal.NumberLit;
import io.nines.config.assertion.Literal.StringLit;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of the assertion language: the parser is total (it returns or throws {@link
 * AssertionSyntaxException}, nothing else, with a column inside the text) and printing is its
 * inverse on every assertion it accepts.
 */
class AssertionPropertiesTest {

  // ---- the parser is total ----

  @Property(tries = 1000)
  void whenTextIsArbitrary_thenParseReturnsOrThrowsOnlySyntaxErrors(
      @ForAll("arbitraryTexts") String text) {
    parseTotally(text);
  }

  @Property(tries = 1000)
  void whenTextIsMadeOfLanguageTokens_thenParseReturnsOrThrowsOnlySyntaxErrors(
      @ForAll("tokenSoup") String text) {
    parseTotally(text);
  }

  @Property(tries = 1000)
  void whenAValidAssertionIsMutated_thenParseReturnsOrThrowsOnlySyntaxErrors(
      @ForAll("mutants") String text) {
    parseTotally(text);
  }

  @Property(tries = 300)
  void whenTextIsAJsonPathCandidate_thenJsonPathParseReturnsOrThrowsOnlySyntaxErrors(
      @ForAll("tokenSoup") String text) {
    try {
      JsonPath p = JsonPath.parse("$" + text);
      assertThat(JsonPath.parse(p.print())).isEqualTo(p);
    } catch (AssertionSyntaxException e) {
      assertThat(e.column()).isBetween(1, Parser.MAX_LENGTH + 1);
    }
  }

  /**
   * Parses; a syntax error must point inside the text (or just past it), and what parses must print
   * to text that parses back to the same assertion.
   */
  private static void parseTotally(String text) {
    Assertion a;
    try {
      a = AssertionParser.parse(text);
    } catch (AssertionSyntaxException e) {
      assertThat(e.column()).isBetween(1, Math.min(text.length(), Parser.MAX_LENGTH) + 1);
      assertThat(e.reason()).isNotBlank();
      return;
    }
    assertThat(AssertionParser.parse(a.print())).isEqualTo(a);
  }

  // ---- printing is the inverse of parsing ----

  @Property(tries = 1000)
  void whenAWellTypedAssertionIsPrinted_thenParsingGivesItBack(
      @ForAll("wellTypedAssertions") Assertion a) {
    assertThat(AssertionParser.parse(a.print())).isEqualTo(a);
  }

  @Property(tries = 1000)
  void whenAnyAssertionIsPrinted_thenParsingGivesItBackExactlyWhenItTypeChecks(
      @ForAll("anyAssertions") Assertion a) {
    String text = a.print();
    boolean wellTyped;
    try {
      TypeChecker.check(a, node -> 1);
      wellTyped = text.length() <= Parser.MAX_LENGTH;
    } catch (AssertionSyntaxException e) {
      wellTyped = false;
    }
    if (wellTyped) {
      assertThat(AssertionParser.parse(text)).isEqualTo(a);
    } else {
      assertThatThrownBy(() -> AssertionParser.parse(text))
          .isInstanceOf(AssertionSyntaxException.class);
    }
  }

  @Property(tries = 300)
  void whenAWellTypedAssertionIsEvaluated_thenItGivesAVerdictWithoutThrowing(
      @ForAll("wellTypedAssertions") Assertion a, @ForAll("observations") FakeObservation o) {
    Verdict v = Evaluator.evaluate(a, o);
    assertThat(v.assertion()).isEqualTo(a.print());
    assertThat(v.actual().length()).isLessThanOrEqualTo(200);
  }

  // ---- generators ----

  @Provide
  Arbitrary<String> arbitraryTexts() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(60),
        Arbitraries.strings().ascii().ofMaxLength(60),
        Arbitraries.strings().withChars("sbody.$[]'\"\\=!<> 0123456789-,").ofMaxLength(40),
        Arbitraries.strings().all().ofMinLength(990).ofMaxLength(1010));
  }

  private static final List<String> TOKENS =
      List.of(
          "status",
          "latency",
          "header",
          "header.",
          "header.Content-Type",
          "body",
          "body.",
          "body.$",
          "$",
          ".",
          ".a",
          "[",
          "]",
          "[0]",
          "['a b']",
          "[\"x\"]",
          "[-1]",
          "[99999999999]",
          "cert",
          "cert.days",
          "dns",
          "dns.answers",
          "dns.rcode",
          "days",
          "==",
          "=",
          "!=",
          "!",
          "<",
          "<=",
          ">",
          ">=",
          "=>",
          "in",
          "not",
          "not in",
          "contains",
          "not contains",
          "matches",
          "200",
          "-1",
          "0",
          "1.5",
          "1.",
          ".5",
          "-",
          "800ms",
          "1.5s",
          "2m",
          "1h",
          "1.0005s",
          "5x",
          "1e3",
          "99999999999999999999h",
          "true",
          "false",
          "null",
          ",",
          "\"abc\"",
          "'x'",
          "\"",
          "'",
          "\\",
          "\\u",
          "\\u00e9",
          "\\u00",
          "\"^ok$\"",
          "\"(\"",
          "\"[\"",
          "\"NOERROR\"",
          "[200, 204]",
          "[]",
          "[[",
          "]]",
          "and",
          "\u0000",
          "\uD800",
          "\n",
          "é");

  @Provide
  Arbitrary<String> tokenSoup() {
    Arbitrary<String> piece =
        Combinators.combine(Arbitraries.of(TOKENS), Arbitraries.of("", "", " ", "\t"))
            .as((token, separator) -> token + separator);
    return piece.list().ofMaxSize(12).map(pieces -> String.join("", pieces));
  }

  @Provide
  Arbitrary<String> mutants() {
    Arbitrary<String> valid = wellTypedAssertions().map(Assertion::print);
    Arbitrary<Character> ch =
        Arbitraries.of('"', '\'', '\\', '[', ']', '.', ' ', '=', '$', 'x', '9');
    return Combinators.combine(
            valid, Arbitraries.integers().between(0, 200), ch, Arbitraries.integers().between(0, 2))
        .as(
            (text, at, c, kind) -> {
              int i = Math.min(at, text.length());
              return switch (kind) {
                case 0 -> text.substring(0, i) + c + text.substring(i);
                case 1 -> i < text.length() ? text.substring(0, i) + text.substring(i + 1) : text;
                default ->
                    i < text.length() ? text.substring(0, i) + c + text.substring(i + 1) : text;
              };
            });
  }

  @Provide
  Arbitrary<Assertion> wellTypedAssertions() {
    return Arbitraries.oneOf(
            numberAssertions(
                Arbitraries.of(new Subject.Status(), new Subject.CertDays()), numbers()),
            numberAssertions(Arbitraries.just(new Subject.Latency()), durations()),
            textAssertions(
                Arbitraries.oneOf(headers(), Arbitraries.just(new Subject.Body())), strings()),
            textAssertions(Arbitraries.just(new Subject.DnsRcode()), rcodes()),
            answersAssertions(),
            jsonAssertions())
        .filter(a -> a.print().length() <= Parser.MAX_LENGTH);
  }

  /** Any subject, operator and literal, well typed or not. */
  @Provide
  Arbitrary<Assertion> anyAssertions() {
    return Combinators.combine(subjects(), Arbitraries.of(Operator.class), anyLiteral(2))
        .as(Assertion::new);
  }

  @Provide
  Arbitrary<FakeObservation> observations() {
    Arbitrary<String> bodies =
        Arbitraries.oneOf(
                Arbitraries.of(
                    "{\"a\": 1, \"b\": [\"x\", null, 2.5], \"c\": {\"d\": true}}",
                    "[1, \"two\", [3]]",
                    "not json",
                    "",
                    "null",
                    "\"text\""),
                Arbitraries.strings().ofMaxLength(300))
            .injectNull(0.1);
    return Combinators.combine(
            Arbitraries.integers().between(100, 599).injectNull(0.2),
            Arbitraries.longs().between(0, 5_000_000_000L).map(Duration::ofNanos).injectNull(0.2),
            bodies,
            Arbitraries.longs().between(-10, 400).injectNull(0.3),
            Arbitraries.strings()
                .alpha()
                .numeric()
                .withChars('.')
                .ofMaxLength(15)
                .list()
                .ofMaxSize(4)
                .injectNull(0.3),
            Arbitraries.of(TypeChecker.RCODES).injectNull(0.3))
        .as(
            (status, latency, body, days, answers, rcode) ->
                new FakeObservation(
                    status, latency, Map.of("X-A", "a"), body, days, answers, rcode));
  }

  private static final Operator[] EQUALITY = {Operator.EQ, Operator.NE};
  private static final Operator[] ORDERING = {Operator.LT, Operator.LE, Operator.GT, Operator.GE};
  private static final Operator[] MEMBERSHIP = {Operator.IN, Operator.NOT_IN};
  private static final Operator[] CONTAINMENT = {Operator.CONTAINS, Operator.NOT_CONTAINS};

  private Arbitrary<Assertion> numberAssertions(
      Arbitrary<? extends Subject> subjects, Arbitrary<Literal> values) {
    Arbitrary<Literal> orNull = Arbitraries.oneOf(values, nulls());
    return Arbitraries.oneOf(
        Combinators.combine(subjects, Arbitraries.of(EQUALITY), orNull).as(Assertion::new),
        Combinators.combine(subjects, Arbitraries.of(ORDERING), values).as(Assertion::new),
        Combinators.combine(subjects, Arbitraries.of(MEMBERSHIP), nonEmptyList(orNull))
            .as(Assertion::new));
  }

  private Arbitrary<Assertion> textAssertions(
      Arbitrary<? extends Subject> subjects, Arbitrary<Literal> values) {
    Arbitrary<Literal> orNull = Arbitraries.oneOf(values, nulls());
    return Arbitraries.oneOf(
        Combinators.combine(subjects, Arbitraries.of(EQUALITY), orNull).as(Assertion::new),
        Combinators.combine(subjects, Arbitraries.of(MEMBERSHIP), nonEmptyList(orNull))
            .as(Assertion::new),
        Combinators.combine(subjects, Arbitraries.of(CONTAINMENT), strings()).as(Assertion::new),
        Combinators.combine(subjects, Arbitraries.just(Operator.MATCHES), regexes())
            .as(Assertion::new));
  }

  private Arbitrary<Assertion> answersAssertions() {
    Arbitrary<Subject> answers = Arbitraries.just(new Subject.DnsAnswers());
    Arbitrary<Literal> lists =
        strings().list().ofMaxSize(4).map(items -> (Literal) new ListLit(items));
    return Arbitraries.oneOf(
        Combinators.combine(answers, Arbitraries.of(EQUALITY), Arbitraries.oneOf(lists, nulls()))
            .as(Assertion::new),
        Combinators.combine(answers, Arbitraries.of(CONTAINMENT), strings()).as(Assertion::new),
        Combinators.combine(answers, Arbitraries.just(Operator.MATCHES), regexes())
            .as(Assertion::new));
  }

  private Arbitrary<Assertion> jsonAssertions() {
    Arbitrary<Subject> json = paths().map(Subject.BodyJson::new);
    Arbitrary<Literal> scalars = Arbitraries.oneOf(numbers(), strings(), bools(), nulls());
    return Arbitraries.oneOf(
        Combinators.combine(json, Arbitraries.of(EQUALITY), jsonLiteral(3)).as(Assertion::new),
        Combinators.combine(json, Arbitraries.of(ORDERING), numbers()).as(Assertion::new),
        Combinators.combine(json, Arbitraries.of(MEMBERSHIP), nonEmptyList(jsonLiteral(2)))
            .as(Assertion::new),
        Combinators.combine(json, Arbitraries.of(CONTAINMENT), scalars).as(Assertion::new),
        Combinators.combine(json, Arbitraries.just(Operator.MATCHES), regexes())
            .as(Assertion::new));
  }

  private Arbitrary<Literal> jsonLiteral(int depth) {
    Arbitrary<Literal> scalars = Arbitraries.oneOf(numbers(), strings(), bools(), nulls());
    if (depth == 0) {
      return scalars;
    }
    return Arbitraries.oneOf(
        scalars, jsonLiteral(depth - 1).list().ofMaxSize(3).map(items -> new ListLit(items)));
  }

  private Arbitrary<Literal> anyLiteral(int depth) {
    Arbitrary<Literal> scalars =
        Arbitraries.oneOf(numbers(), strings(), durations(), bools(), nulls(), rcodes(), regexes());
    if (depth == 0) {
      return scalars;
    }
    return Arbitraries.oneOf(
        scalars, anyLiteral(depth - 1).list().ofMaxSize(3).map(items -> new ListLit(items)));
  }

  private static Arbitrary<Literal> nonEmptyList(Arbitrary<Literal> items) {
    return items.list().ofMinSize(1).ofMaxSize(4).map(ListLit::new);
  }

  private Arbitrary<Subject> subjects() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            new Subject.Status(),
            new Subject.Latency(),
            new Subject.Body(),
            new Subject.CertDays(),
            new Subject.DnsAnswers(),
            new Subject.DnsRcode()),
        headers(),
        paths().map(Subject.BodyJson::new));
  }

  private static Arbitrary<Subject> headers() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withCharRange('A', 'Z')
        .withCharRange('0', '9')
        .withChars("!#$%&'*+-.^_`|~")
        .ofMinLength(1)
        .ofMaxLength(20)
        .map(Subject.Header::new);
  }

  private static Arbitrary<JsonPath> paths() {
    Arbitrary<Object> names =
        Arbitraries.oneOf(
                Arbitraries.strings()
                    .alpha()
                    .numeric()
                    .withChars("_-")
                    .ofMinLength(1)
                    .ofMaxLength(8),
                Arbitraries.strings().all().ofMaxLength(8))
            .map(name -> (Object) name);
    Arbitrary<Object> indexes =
        Arbitraries.oneOf(Arbitraries.integers().between(0, 20), Arbitraries.of(Integer.MAX_VALUE))
            .map(index -> (Object) index);
    return Arbitraries.oneOf(names, indexes).list().ofMaxSize(5).map(JsonPath::new);
  }

  private static Arbitrary<Literal> numbers() {
    Arbitrary<BigDecimal> small =
        Combinators.combine(
                Arbitraries.longs().between(-1_000_000, 1_000_000),
                Arbitraries.integers().between(0, 4))
            .as(BigDecimal::valueOf);
    Arbitrary<BigDecimal> huge =
        Combinators.combine(
                Arbitraries.bigIntegers()
                    .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30)),
                Arbitraries.integers().between(-3, 20))
            .as(BigDecimal::new);
    return Arbitraries.oneOf(small, huge).map(NumberLit::new);
  }

  private static Arbitrary<Literal> durations() {
    Arbitrary<Long> millis =
        Arbitraries.oneOf(
            Arbitraries.longs().between(0, 10_000),
            Arbitraries.longs().between(0, 1000).map(n -> n * 1000),
            Arbitraries.longs().between(0, 1000).map(n -> n * 60_000),
            Arbitraries.longs().between(0, 1000).map(n -> n * 3_600_000),
            Arbitraries.longs().between(0, 1_000_000_000_000_000L));
    return millis.map(ms -> new DurationLit(Duration.ofMillis(ms)));
  }

  private static Arbitrary<Literal> strings() {
    return Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(12),
            Arbitraries.strings().withChars("\"'\\ntu$[] \n\t\r\u0000\u007f").ofMaxLength(12))
        .map(StringLit::new);
  }

  private static Arbitrary<Literal> rcodes() {
    return Arbitraries.of(TypeChecker.RCODES).map(StringLit::new);
  }

  private static Arbitrary<Literal> regexes() {
    return Arbitraries.oneOf(
            Arbitraries.of("^ok$", "\\d+", "a|b", "(?i)up", "[0-9]{3}", "\"quoted\"", "\\\\"),
            Arbitraries.strings().all().ofMaxLength(10).map(Pattern::quote))
        .map(StringLit::new);
  }

  private static Arbitrary<Literal> bools() {
    return Arbitraries.of(true, false).map(BoolLit::new);
  }

  private static Arbitrary<Literal> nulls() {
    return Arbitraries.just(new NullLit());
  }
}
