package io.nines.config.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.nines.config.assertion.Literal.BoolLit;
import io.nines.config.assertion.Literal.DurationLit;
import io.nines.config.assertion.Literal.ListLit;
import io.nines.config.assertion.Literal.NullLit;
import io.nines.config.assertion.Literal.NumberLit;
import io.nines.config.assertion.Literal.StringLit;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AssertionParserTest {

  static NumberLit num(String n) {
    return new NumberLit(new BigDecimal(n));
  }

  static StringLit str(String s) {
    return new StringLit(s);
  }

  static DurationLit ms(long millis) {
    return new DurationLit(Duration.ofMillis(millis));
  }

  static ListLit list(Literal... items) {
    return new ListLit(List.of(items));
  }

  static JsonPath path(Object... segments) {
    return new JsonPath(List.of(segments));
  }

  static Stream<Arguments> valid() {
    Subject status = new Subject.Status();
    Subject latency = new Subject.Latency();
    Subject body = new Subject.Body();
    return Stream.of(
        arguments("status == 200", new Assertion(status, Operator.EQ, num("200")), "status == 200"),
        arguments("status==200", new Assertion(status, Operator.EQ, num("200")), "status == 200"),
        arguments(
            "  status\t!=\n500  ", new Assertion(status, Operator.NE, num("500")), "status != 500"),
        arguments(
            "status in [200, 204]",
            new Assertion(status, Operator.IN, list(num("200"), num("204"))),
            "status in [200, 204]"),
        arguments(
            "status in[200,204]",
            new Assertion(status, Operator.IN, list(num("200"), num("204"))),
            "status in [200, 204]"),
        arguments(
            "status not in [500]",
            new Assertion(status, Operator.NOT_IN, list(num("500"))),
            "status not in [500]"),
        arguments(
            "status   not    in [ 500 ]",
            new Assertion(status, Operator.NOT_IN, list(num("500"))),
            "status not in [500]"),
        arguments("status >= 200", new Assertion(status, Operator.GE, num("200")), "status >= 200"),
        arguments("status<=299", new Assertion(status, Operator.LE, num("299")), "status <= 299"),
        arguments("status > -1", new Assertion(status, Operator.GT, num("-1")), "status > -1"),
        arguments(
            "status < 2.50", new Assertion(status, Operator.LT, num("2.50")), "status < 2.50"),
        arguments(
            "latency < 800ms", new Assertion(latency, Operator.LT, ms(800)), "latency < 800ms"),
        arguments("latency<800ms", new Assertion(latency, Operator.LT, ms(800)), "latency < 800ms"),
        arguments(
            "latency < 1.5s", new Assertion(latency, Operator.LT, ms(1500)), "latency < 1500ms"),
        arguments("latency < 2s", new Assertion(latency, Operator.LT, ms(2000)), "latency < 2s"),
        arguments(
            "latency <= 0.5m", new Assertion(latency, Operator.LE, ms(30_000)), "latency <= 30s"),
        arguments(
            "latency < 90m", new Assertion(latency, Operator.LT, ms(5_400_000)), "latency < 90m"),
        arguments(
            "latency < 1h", new Assertion(latency, Operator.LT, ms(3_600_000)), "latency < 1h"),
        arguments("latency > 0ms", new Assertion(latency, Operator.GT, ms(0)), "latency > 0ms"),
        arguments(
            "header.Content-Type contains \"json\"",
            new Assertion(new Subject.Header("Content-Type"), Operator.CONTAINS, str("json")),
            "header.Content-Type contains \"json\""),
        arguments(
            "header.X-Request-Id != null",
            new Assertion(new Subject.Header("X-Request-Id"), Operator.NE, new NullLit()),
            "header.X-Request-Id != null"),
        arguments(
            "header.X!=\"a\"",
            new Assertion(new Subject.Header("X"), Operator.NE, str("a")),
            "header.X != \"a\""),
        arguments(
            "body contains \"UP\"",
            new Assertion(body, Operator.CONTAINS, str("UP")),
            "body contains \"UP\""),
        arguments(
            "body not contains 'error'",
            new Assertion(body, Operator.NOT_CONTAINS, str("error")),
            "body not contains \"error\""),
        arguments(
            "body matches \"^ok$\"",
            new Assertion(body, Operator.MATCHES, str("^ok$")),
            "body matches \"^ok$\""),
        arguments(
            "body matches \"^\\d+$\"",
            new Assertion(body, Operator.MATCHES, str("^\\d+$")),
            "body matches \"^\\d+$\""),
        arguments(
            "body.$.cart.items[0].sku == \"A1\"",
            new Assertion(
                new Subject.BodyJson(path("cart", "items", 0, "sku")), Operator.EQ, str("A1")),
            "body.$.cart.items[0].sku == \"A1\""),
        arguments(
            "body.$.total > 10",
            new Assertion(new Subject.BodyJson(path("total")), Operator.GT, num("10")),
            "body.$.total > 10"),
        arguments(
            "body.$['weird key'] == true",
            new Assertion(new Subject.BodyJson(path("weird key")), Operator.EQ, new BoolLit(true)),
            "body.$['weird key'] == true"),
        arguments(
            "body.$[ \"a\" ][ 12 ] == false",
            new Assertion(new Subject.BodyJson(path("a", 12)), Operator.EQ, new BoolLit(false)),
            "body.$.a[12] == false"),
        arguments(
            "body.$ == [1, [\"x\", null]]",
            new Assertion(
                new Subject.BodyJson(path()),
                Operator.EQ,
                list(num("1"), list(str("x"), new NullLit()))),
            "body.$ == [1, [\"x\", null]]"),
        arguments(
            "body.$.state == 'PAID'",
            new Assertion(new Subject.BodyJson(path("state")), Operator.EQ, str("PAID")),
            "body.$.state == \"PAID\""),
        arguments(
            "body.$.tags contains \"new\"",
            new Assertion(new Subject.BodyJson(path("tags")), Operator.CONTAINS, str("new")),
            "body.$.tags contains \"new\""),
        arguments(
            "body.$.x in [1, \"one\", null]",
            new Assertion(
                new Subject.BodyJson(path("x")),
                Operator.IN,
                list(num("1"), str("one"), new NullLit())),
            "body.$.x in [1, \"one\", null]"),
        arguments(
            "cert.days > 14",
            new Assertion(new Subject.CertDays(), Operator.GT, num("14")),
            "cert.days > 14"),
        arguments(
            "dns.answers contains \"10.0.0.1\"",
            new Assertion(new Subject.DnsAnswers(), Operator.CONTAINS, str("10.0.0.1")),
            "dns.answers contains \"10.0.0.1\""),
        arguments(
            "dns.answers == ['10.0.0.1', '10.0.0.2']",
            new Assertion(
                new Subject.DnsAnswers(), Operator.EQ, list(str("10.0.0.1"), str("10.0.0.2"))),
            "dns.answers == [\"10.0.0.1\", \"10.0.0.2\"]"),
        arguments(
            "dns.rcode == \"NOERROR\"",
            new Assertion(new Subject.DnsRcode(), Operator.EQ, str("NOERROR")),
            "dns.rcode == \"NOERROR\""),
        arguments(
            "body == \"say \\\"hi\\\"\\n\\t\\\\ \\u00e9 it's\"",
            new Assertion(body, Operator.EQ, str("say \"hi\"\n\t\\ \u00e9 it's")),
            "body == \"say \\\"hi\\\"\\n\\t\\ \u00e9 it's\""),
        arguments(
            "body == 'single \\'quoted\\' \"x\"'",
            new Assertion(body, Operator.EQ, str("single 'quoted' \"x\"")),
            "body == \"single 'quoted' \\\"x\\\"\""),
        arguments(
            "body == \"\\u0001\"",
            new Assertion(body, Operator.EQ, str("\u0001")),
            "body == \"\\u0001\""),
        arguments(
            "body == \"x\\\\n\"",
            new Assertion(body, Operator.EQ, str("x\\n")),
            "body == \"x\\\\n\""),
        arguments(
            "body == 'end\\\\'",
            new Assertion(body, Operator.EQ, str("end\\")),
            "body == \"end\\\\\""),
        arguments(
            "body matches \"a\\.b\\\\\\\\c\"",
            new Assertion(body, Operator.MATCHES, str("a\\.b\\\\c")),
            "body matches \"a\\.b\\\\\\\\c\""),
        arguments("body == null", new Assertion(body, Operator.EQ, new NullLit()), "body == null"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("valid")
  void whenTextIsValid_thenItParsesToTheAstAndPrintsCanonically(
      String text, Assertion expected, String canonical) {
    Assertion parsed = AssertionParser.parse(text);

    assertThat(parsed).isEqualTo(expected);
    assertThat(parsed.print()).isEqualTo(canonical);
    assertThat(AssertionParser.parse(canonical)).isEqualTo(expected);
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        arguments(
            "status equals 200",
            8,
            "expected an operator (==, !=, <, <=, >, >=, in, not in, contains, not contains,"
                + " matches) but found 'equals'"),
        arguments("", 1, "expected a subject (status, latency, header.NAME, body, body.$PATH,"),
        arguments("   ", 4, "but found the end of the assertion"),
        arguments(null, 1, "expected an assertion but found nothing (null)"),
        arguments("stat == 200", 1, "expected a subject (status, latency,"),
        arguments("Status == 200", 1, "but found 'Status'"),
        arguments("== 200", 1, "expected a subject"),
        arguments("status", 7, "expected an operator (==, !=, <, <=, >, >="),
        arguments("status = 200", 8, "but found '='; use '==' to compare"),
        arguments("status ! 200", 8, "expected an operator"),
        arguments("status === 200", 10, "expected a value"),
        arguments("status ==", 10, "expected a value (a number, a duration such as 800ms,"),
        arguments("status == abc", 11, "but found 'abc'; text needs quotes, as in \"abc\""),
        arguments(
            "status == 200 and latency < 1s",
            15,
            "expected the end of the assertion but found 'and'; write each assertion as its own item"),
        arguments("status == 200 200", 15, "expected the end of the assertion but found '200'"),
        arguments("status == .5", 11, "a number needs a digit before its decimal point, as in 0.5"),
        arguments(
            "status == 1.", 13, "expected digits after the decimal point of 1. but found the end"),
        arguments("status == -", 11, "expected a value"),
        arguments("status == +5", 11, "but found '+'"),
        arguments("status not 200", 12, "expected 'in' or 'contains' after 'not' but found '200'"),
        arguments("status not", 11, "expected 'in' or 'contains' after 'not' but found the end"),
        arguments(
            "status in [200, 204",
            20,
            "expected ',' or ']' to continue the list opened at column 11 but found the end"),
        arguments("status in [200 204]", 16, "expected ',' or ']' in the list but found '204'"),
        arguments("status in [200,]", 16, "expected a value"),
        arguments("status in [,]", 12, "expected a value"),
        arguments(
            "latency < 800sec", 14, "unknown duration unit 'sec' in '800sec'; use ms, s, m or h"),
        arguments("latency < 1e3", 12, "unknown duration unit 'e3'"),
        arguments("latency < -5ms", 11, "a duration cannot be negative, but found -5ms"),
        arguments("latency < 0.5ms", 11, "durations count whole milliseconds, but 0.5ms is 0.5ms"),
        arguments(
            "latency < 1.0005s", 11, "durations count whole milliseconds, but 1.0005s is 1000.5ms"),
        arguments(
            "latency < 99999999999999999h", 11, "the duration 99999999999999999h is too long"),
        arguments(
            "body == \"abc", 9, "this string has no closing \" before the end of the assertion"),
        arguments("body == 'abc\\'", 9, "this string has no closing ' before the end"),
        arguments(
            "body == \"\\u12\"",
            10,
            "expected 4 hex digits after \\u, as in \\u00e9, but found \\u12\""),
        arguments("header == \"x\"", 7, "expected '.' and a header name after 'header'"),
        arguments(
            "header. == \"x\"",
            8,
            "expected a header name after 'header.', such as Content-Type, but found a space"),
        arguments(
            "body.cart == 1",
            6,
            "expected a JSON path starting with '$' after 'body.', such as body.$.status, but found 'cart'"),
        arguments("body.$. == 1", 8, "expected a member name after '.' in the JSON path"),
        arguments(
            "body.$.a[x] == 1",
            10,
            "expected an index such as [0] or a quoted name such as ['a name']"),
        arguments(
            "body.$.a[-1] == 1",
            10,
            "JSON path indexes count from 0; negative indexes are not supported"),
        arguments(
            "body.$.a[0 == 1", 12, "expected ']' to close the JSON path segment but found '=='"),
        arguments("body.$.a[99999999999] == 1", 10, "the JSON path index 99999999999 is too large"),
        arguments("body.$ .a == 1", 8, "expected an operator"),
        arguments("cert.day > 1", 6, "expected 'days' after 'cert.' but found 'day'"),
        arguments("cert > 1", 5, "expected '.' and 'days' after 'cert'"),
        arguments(
            "dns.answer contains \"x\"",
            5,
            "expected 'answers' or 'rcode' after 'dns.' but found 'answer'"),
        arguments(
            "body.$ == " + "[".repeat(9) + "]".repeat(9), 19, "lists may nest at most 8 deep"),
        arguments(
            "body == \"" + "x".repeat(1000) + "\"",
            1001,
            "an assertion may be at most 1000 characters long but this one has 1010"),
        arguments("body == \u0000", 9, "but found '\\u0000'"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("syntaxErrors")
  void whenTextIsMalformed_thenTheErrorNamesTheColumnAndWhatWasExpected(
      String text, int column, String message) {
    assertThatThrownBy(() -> AssertionParser.parse(text))
        .isInstanceOfSatisfying(
            AssertionSyntaxException.class,
            e -> {
              assertThat(e.reason()).contains(message);
              assertThat(e.column()).isEqualTo(column);
              assertThat(e.getMessage()).isEqualTo("at column " + column + ": " + e.reason());
            });
  }

  @Test
  void whenAnOperatorIsMisspelled_thenTheMessageReadsAsDocumented() {
    assertThatThrownBy(() -> AssertionParser.parse("status equals 200"))
        .hasMessage(
            "at column 8: expected an operator (==, !=, <, <=, >, >=, in, not in, contains,"
                + " not contains, matches) but found 'equals'");
  }

  static Stream<Arguments> typeErrors() {
    return Stream.of(
        arguments(
            "status < \"abc\"",
            10,
            "status is a number, so '<' needs a number such as 200 but found the string \"abc\""),
        arguments(
            "latency < 800",
            11,
            "latency is a duration, so '<' needs a duration such as 800ms but found the number 800"),
        arguments(
            "latency == 5",
            12,
            "latency is a duration, so '==' needs a duration such as 800ms but found the number 5"),
        arguments(
            "status == 5s",
            11,
            "status is a number, so '==' needs a number such as 200 but found the duration 5s"),
        arguments(
            "cert.days >= true",
            14,
            "cert.days is a number, so '>=' needs a number such as 14 but found true"),
        arguments("status < null", 10, "needs a number such as 200 but found null"),
        arguments(
            "status contains \"2\"",
            8,
            "'contains' does not apply to status, which is a number; use ==, !=, <, <=, >, >=, in,"
                + " not in"),
        arguments(
            "latency matches \"1\"", 9, "'matches' does not apply to latency, which is a duration"),
        arguments(
            "body < 5",
            6,
            "'<' does not apply to body, which is text; use ==, !=, in, not in, contains, not"
                + " contains, matches"),
        arguments(
            "header.X == 5",
            13,
            "header.X is text, so '==' needs a string in quotes such as \"application/json\" but found the number 5"),
        arguments(
            "body contains 5",
            15,
            "body is text, so 'contains' needs a string in quotes such as \"UP\" but found the number 5"),
        arguments(
            "status in 200",
            11,
            "status is a number, so 'in' needs a list such as [200, 204] but found the number 200"),
        arguments(
            "status in []", 11, "'in' needs at least one value in its list, such as [200, 204]"),
        arguments(
            "status not in [200, \"204\"]",
            21,
            "status is a number, so 'not in' needs a number such as 200 but found the string \"204\""),
        arguments(
            "latency in [1s, 2]", 17, "needs a duration such as 800ms but found the number 2"),
        arguments(
            "body matches 5",
            14,
            "'matches' needs a regular expression in quotes such as \"^ok$\" but found the number 5"),
        arguments(
            "body matches \"(ok\"",
            14,
            "the regular expression \"(ok\" is not valid: Unclosed group near index 3"),
        arguments(
            "body.$.a matches \"[\"",
            18,
            "the regular expression \"[\" is not valid: Unclosed character class"),
        arguments(
            "dns.answers in [\"x\"]",
            13,
            "'in' does not apply to dns.answers, which is a list of strings; use ==, !=, contains, not contains, matches"),
        arguments(
            "dns.answers contains [\"x\"]",
            22,
            "dns.answers is a list of strings, so 'contains' needs one string such as \"10.0.0.1\" but found the list [\"x\"]"),
        arguments(
            "dns.answers contains 10",
            22,
            "needs one string such as \"10.0.0.1\" but found the number 10"),
        arguments(
            "dns.answers == \"10.0.0.1\"",
            16,
            "dns.answers is a list of strings, so '==' needs a list of strings such as [\"10.0.0.1\"] but found the string \"10.0.0.1\"; to look for one answer use 'contains'"),
        arguments("dns.answers == [1]", 16, "needs a list of strings"),
        arguments("dns.answers < 1", 13, "'<' does not apply to dns.answers"),
        arguments(
            "dns.rcode == \"NOERR\"",
            14,
            "dns.rcode is a DNS response code: expected one of NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, YXDOMAIN, YXRRSET, NXRRSET, NOTAUTH, NOTZONE, BADVERS, BADSIG, BADKEY, BADTIME but found the string \"NOERR\""),
        arguments(
            "dns.rcode in [\"NOERROR\", \"nxdomain\"]", 26, "but found the string \"nxdomain\""),
        arguments(
            "body.$.x == 5s",
            13,
            "body.$.x is a JSON value, which is never a duration; compare it with the number or string the JSON holds instead of 5s"),
        arguments("body.$.x == [1, [2, 3ms]]", 21, "which is never a duration"),
        arguments(
            "body.$.x < \"a\"",
            12,
            "body.$.x is a JSON value, so '<' needs a number such as 10 but found the string \"a\""),
        arguments(
            "body.$.x contains [1]",
            19,
            "body.$.x is a JSON value, so 'contains' needs a single value (a string, a number, true, false or null) but found the list [1]"),
        arguments("body.$.x in \"a\"", 13, "needs a list such as"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("typeErrors")
  void whenTypesDoNotFit_thenTheErrorPointsAtTheOffendingPart(
      String text, int column, String message) {
    assertThatThrownBy(() -> AssertionParser.parse(text))
        .isInstanceOfSatisfying(
            AssertionSyntaxException.class,
            e -> {
              assertThat(e.reason()).contains(message);
              assertThat(e.column()).isEqualTo(column);
            });
  }

  @Test
  void whenRcodeUsesVertxSpelling_thenItIsAccepted() {
    assertThat(AssertionParser.parse("dns.rcode != \"FORMERROR\"").expected())
        .isEqualTo(str("FORMERROR"));
  }

  static Stream<Arguments> applicability() {
    return Stream.of(
        arguments("status == 200", "http", null),
        arguments("status == 200", "journey", null),
        arguments("header.X == null", "http", null),
        arguments("body.$.a == 1", "journey", null),
        arguments("latency < 1s", "tcp", null),
        arguments("body contains \"+OK\"", "tcp", null),
        arguments("latency < 1s", "dns", null),
        arguments("dns.answers contains \"a\"", "dns", null),
        arguments("dns.rcode == \"NOERROR\"", "dns", null),
        arguments("latency < 1s", "tls", null),
        arguments("cert.days > 14", "tls", null),
        arguments(
            "status == 200",
            "dns",
            "'status' is not available in a dns check; use one of latency, dns.answers, dns.rcode"),
        arguments(
            "cert.days > 14",
            "http",
            "'cert.days' is not available in a http check; use one of status, latency,"
                + " header.NAME, body, body.$PATH"),
        arguments(
            "body.$.a == 1",
            "tcp",
            "'body.$.a' is not available in a tcp check; use one of latency, body"),
        arguments(
            "body contains \"x\"",
            "tls",
            "'body' is not available in a tls check; use one of latency, cert.days"),
        arguments(
            "dns.rcode == \"NOERROR\"",
            "journey",
            "'dns.rcode' is not available in a journey check"),
        arguments("header.Server == \"x\"", "dns", "'header.Server' is not available"));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("applicability")
  void whenASubjectIsCheckedAgainstACheckType_thenOnlyOfferedSubjectsPass(
      String text, String checkType, String error) {
    Assertion a = AssertionParser.parse(text);
    if (error == null) {
      AssertionParser.checkApplies(a, checkType);
    } else {
      assertThatThrownBy(() -> AssertionParser.checkApplies(a, checkType))
          .isInstanceOfSatisfying(
              AssertionSyntaxException.class,
              e -> {
                assertThat(e.column()).isEqualTo(1);
                assertThat(e.reason()).startsWith(error);
              });
    }
  }

  @Test
  void whenCheckTypeIsUnknown_thenCheckAppliesRefusesIt() {
    Assertion a = AssertionParser.parse("status == 200");
    assertThatThrownBy(() -> AssertionParser.checkApplies(a, "ftp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "checkType: 'ftp' (expected: one of http, journey, tcp, dns, tls, websocket, browser)");
  }

  @Test
  void whenJsonPathIsParsedAlone_thenItReadsExtractPaths() {
    assertThat(JsonPath.parse("$.token")).isEqualTo(path("token"));
    assertThat(JsonPath.parse(" $.items[2]['a b'] ")).isEqualTo(path("items", 2, "a b"));
    assertThatThrownBy(() -> JsonPath.parse("token"))
        .isInstanceOf(AssertionSyntaxException.class)
        .hasMessage(
            "at column 1: expected a JSON path starting with '$', such as $.token, but found"
                + " 'token'");
    assertThatThrownBy(() -> JsonPath.parse("$.a b"))
        .hasMessage("at column 5: expected the end of the JSON path but found 'b'");
  }

  @Test
  void whenTheLanguageGuideShowsExamples_thenEachParsesAndPrintsBackToItself() throws IOException {
    Path guide = Path.of("..", "docs", "assertions.md");
    assumeTrue(Files.exists(guide), "docs/assertions.md is next to the config module");
    String text = Files.readString(guide);
    int start = text.indexOf("```", text.indexOf("## Examples")) + 3;
    List<String> examples =
        text.substring(start, text.indexOf("```", start))
            .lines()
            .filter(l -> !l.isBlank())
            .toList();

    assertThat(examples).hasSizeGreaterThan(10);
    for (String example : examples) {
      assertThat(AssertionParser.parse(example).print()).isEqualTo(example);
    }
  }

  @Test
  void whenHeaderNameIsNotAToken_thenTheSubjectRefusesIt() {
    assertThatThrownBy(() -> new Subject.Header("a b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Subject.Header("")).isInstanceOf(IllegalArgumentException.class);
  }
}
