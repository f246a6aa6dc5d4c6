package io.nines.config.assertion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.nines.config.assertion.Literal.NumberLit;
import io.nines.config.assertion.Literal.StringLit;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvaluatorTest {
  private static final FakeObservation NONE = FakeObservation.empty();

  private static final String CART =
      """
      {"cart": {"items": [{"sku": "A1", "qty": 2}, {"sku": "B2", "qty": 1}], "total": 10.50},
       "state": "PAID", "paid": true, "coupon": null, "tags": ["new", "sale"], "count": 3,
       "weird key": "yes", "matrix": [[1, 2], [3]], "big": 12345678901234567890}
      """;

  static Stream<Arguments> verdicts() {
    FakeObservation http = NONE.withStatus(503).withLatency(Duration.ofMillis(812));
    FakeObservation cart = NONE.withBody(CART);
    return Stream.of(
        // status
        arguments("status == 200", NONE.withStatus(200), true, "== 200", "200"),
        arguments("status == 200", http, false, "== 200", "503"),
        arguments("status != 200", http, true, "!= 200", "503"),
        arguments("status == 200.0", NONE.withStatus(200), true, "== 200.0", "200"),
        arguments("status in [200, 204]", http, false, "one of [200, 204]", "503"),
        arguments("status in [200, 204]", NONE.withStatus(204), true, "one of [200, 204]", "204"),
        arguments("status not in [500, 503]", http, false, "none of [500, 503]", "503"),
        arguments("status >= 500", http, true, ">= 500", "503"),
        arguments("status < 500", http, false, "< 500", "503"),
        arguments("status == 200", NONE, false, "== 200", "absent"),
        arguments("status != 200", NONE, false, "!= 200", "absent"),
        arguments("status == null", NONE, true, "== null", "absent"),
        // latency
        arguments("latency < 800ms", http, false, "< 800ms", "812ms"),
        arguments("latency < 1s", http, true, "< 1s", "812ms"),
        arguments("latency <= 812ms", http, true, "<= 812ms", "812ms"),
        arguments(
            "latency < 800ms",
            NONE.withLatency(Duration.ofNanos(800_000_400)),
            false,
            "< 800ms",
            "800ms"),
        arguments(
            "latency < 800ms",
            NONE.withLatency(Duration.ofNanos(800_123_456)),
            false,
            "< 800ms",
            "800.123ms"),
        arguments(
            "latency > 2m", NONE.withLatency(Duration.ofMinutes(3)), true, "> 2m", "180000ms"),
        arguments("latency in [812ms, 1s]", http, true, "one of [812ms, 1s]", "812ms"),
        // headers
        arguments(
            "header.Content-Type contains \"json\"",
            NONE.withHeader("content-type", "application/json; charset=utf-8"),
            true,
            "to contain \"json\"",
            "\"application/json; charset=utf-8\""),
        arguments(
            "header.Content-Type contains \"json\"",
            NONE.withHeader("Content-Type", "text/html"),
            false,
            "to contain \"json\"",
            "\"text/html\""),
        arguments(
            "header.Content-Type contains \"json\"", NONE, false, "to contain \"json\"", "absent"),
        arguments(
            "header.Content-Type not contains \"json\"",
            NONE,
            false,
            "not to contain \"json\"",
            "absent"),
        arguments("header.X-Debug == null", NONE, true, "== null", "absent"),
        arguments(
            "header.X-Debug == null", NONE.withHeader("X-Debug", "1"), false, "== null", "\"1\""),
        arguments("header.X-Debug != null", NONE, false, "!= null", "absent"),
        arguments(
            "header.X-Debug != null", NONE.withHeader("x-debug", ""), true, "!= null", "\"\""),
        arguments(
            "header.Server in [\"nginx\", null]", NONE, true, "one of [\"nginx\", null]", "absent"),
        arguments(
            "header.Server matches \"^ngin\"",
            NONE.withHeader("Server", "nginx/1.25"),
            true,
            "to match \"^ngin\"",
            "\"nginx/1.25\""),
        // body
        arguments(
            "body contains \"UP\"",
            NONE.withBody("status: UP"),
            true,
            "to contain \"UP\"",
            "\"status: UP\""),
        arguments(
            "body contains \"UP\"", NONE.withBody("DOWN"), false, "to contain \"UP\"", "\"DOWN\""),
        arguments(
            "body not contains \"error\"",
            NONE.withBody("fine"),
            true,
            "not to contain \"error\"",
            "\"fine\""),
        arguments(
            "body matches \"^ok$\"", NONE.withBody("ok"), true, "to match \"^ok$\"", "\"ok\""),
        arguments(
            "body matches \"^ok$\"",
            NONE.withBody("not ok"),
            false,
            "to match \"^ok$\"",
            "\"not ok\""),
        arguments(
            "body matches \"o+k\"",
            NONE.withBody("it is oook!"),
            true,
            "to match \"o+k\"",
            "\"it is oook!\""),
        arguments(
            "body matches \"^\\d+$\"",
            NONE.withBody("12345"),
            true,
            "to match \"^\\d+$\"",
            "\"12345\""),
        arguments("body == \"a\\nb\"", NONE.withBody("a\nb"), true, "== \"a\\nb\"", "\"a\\nb\""),
        arguments("body contains \"x\"", NONE, false, "to contain \"x\"", "absent"),
        // JSON bodies
        arguments("body.$.cart.items[0].sku == \"A1\"", cart, true, "== \"A1\"", "\"A1\""),
        arguments("body.$.cart.items[1].sku == \"A1\"", cart, false, "== \"A1\"", "\"B2\""),
        arguments("body.$.cart.items[1].qty >= 1", cart, true, ">= 1", "1"),
        arguments("body.$.cart.total > 10", cart, true, "> 10", "10.5"),
        arguments("body.$.cart.total == 10.5", cart, true, "== 10.5", "10.5"),
        arguments("body.$.cart.total == \"10.5\"", cart, false, "== \"10.5\"", "10.5"),
        arguments("body.$.state == 'PAID'", cart, true, "== \"PAID\"", "\"PAID\""),
        arguments(
            "body.$.state in ['PAID', 'SHIPPED']",
            cart,
            true,
            "one of [\"PAID\", \"SHIPPED\"]",
            "\"PAID\""),
        arguments("body.$.paid == true", cart, true, "== true", "true"),
        arguments("body.$.paid != false", cart, true, "!= false", "true"),
        arguments("body.$.coupon == null", cart, true, "== null", "null"),
        arguments("body.$.coupon != null", cart, false, "!= null", "null"),
        arguments(
            "body.$.missing == null",
            cart,
            true,
            "== null",
            "no value at $.missing ($ has no member 'missing')"),
        arguments("body.$['weird key'] == \"yes\"", cart, true, "== \"yes\"", "\"yes\""),
        arguments(
            "body.$.tags contains \"sale\"",
            cart,
            true,
            "to contain \"sale\"",
            "[\"new\", \"sale\"]"),
        arguments(
            "body.$.tags not contains \"old\"",
            cart,
            true,
            "not to contain \"old\"",
            "[\"new\", \"sale\"]"),
        arguments(
            "body.$.tags == [\"new\", \"sale\"]",
            cart,
            true,
            "== [\"new\", \"sale\"]",
            "[\"new\", \"sale\"]"),
        arguments(
            "body.$.tags == [\"sale\", \"new\"]",
            cart,
            false,
            "== [\"sale\", \"new\"]",
            "[\"new\", \"sale\"]"),
        arguments(
            "body.$.matrix == [[1, 2], [3]]", cart, true, "== [[1, 2], [3]]", "[[1, 2], [3]]"),
        arguments("body.$.matrix[0] contains 2", cart, true, "to contain 2", "[1, 2]"),
        arguments("body.$.state contains \"AI\"", cart, true, "to contain \"AI\"", "\"PAID\""),
        arguments("body.$.count matches \"^3$\"", cart, true, "to match \"^3$\"", "3"),
        arguments(
            "body.$.big == 12345678901234567890",
            cart,
            true,
            "== 12345678901234567890",
            "12345678901234567890"),
        arguments(
            "body.$.cart.items[0] == null", cart, false, "== null", "{\"sku\":\"A1\",\"qty\":2}"),
        arguments("body.$ contains 1", NONE.withBody("[1, 2]"), true, "to contain 1", "[1, 2]"),
        arguments("body.$ == \"x\"", NONE.withBody("\"x\""), true, "== \"x\"", "\"x\""),
        // JSON paths that lead nowhere
        arguments(
            "body.$.cart.items[0].sku == \"A1\"",
            NONE.withBody("<html>oops</html>"),
            false,
            "== \"A1\"",
            "no value at $.cart.items[0].sku (the body is not JSON)"),
        arguments(
            "body.$.cart.items[0].sku == \"A1\"",
            NONE,
            false,
            "== \"A1\"",
            "no value at $.cart.items[0].sku (there is no body)"),
        arguments(
            "body.$.a == 1",
            NONE.withBody("  "),
            false,
            "== 1",
            "no value at $.a (the body is empty)"),
        arguments(
            "body.$.cart.items[5].sku == \"A1\"",
            cart,
            false,
            "== \"A1\"",
            "no value at $.cart.items[5].sku ($.cart.items has 2 elements)"),
        arguments(
            "body.$.cart.items.sku == \"A1\"",
            cart,
            false,
            "== \"A1\"",
            "no value at $.cart.items.sku ($.cart.items is an array, not an object)"),
        arguments(
            "body.$.state[0] == \"P\"",
            cart,
            false,
            "== \"P\"",
            "no value at $.state[0] ($.state is a string, not an array)"),
        arguments(
            "body.$.cart.itmes[0] != null",
            cart,
            false,
            "!= null",
            "no value at $.cart.itmes[0] ($.cart has no member 'itmes')"),
        arguments(
            "body.$.coupon.code == \"X\"",
            cart,
            false,
            "== \"X\"",
            "no value at $.coupon.code ($.coupon is null, not an object)"),
        arguments(
            "body.$.cart.total > 10",
            NONE.withBody("{\"cart\": {\"total\": \"11\"}}"),
            false,
            "> 10",
            "\"11\""),
        // certificates
        arguments("cert.days > 14", NONE.withCertDays(30L), true, "> 14", "30"),
        arguments("cert.days > 14", NONE.withCertDays(3L), false, "> 14", "3"),
        arguments("cert.days > 14", NONE, false, "> 14", "absent"),
        // DNS
        arguments(
            "dns.answers contains \"10.0.0.1\"",
            NONE.withDnsAnswers(List.of("10.0.0.2", "10.0.0.1")),
            true,
            "to contain \"10.0.0.1\"",
            "[\"10.0.0.2\", \"10.0.0.1\"]"),
        arguments(
            "dns.answers contains \"10.0.0.1\"",
            NONE.withDnsAnswers(List.of()),
            false,
            "to contain \"10.0.0.1\"",
            "[]"),
        arguments(
            "dns.answers == [\"10.0.0.1\", \"10.0.0.2\"]",
            NONE.withDnsAnswers(List.of("10.0.0.2", "10.0.0.1")),
            true,
            "== [\"10.0.0.1\", \"10.0.0.2\"]",
            "[\"10.0.0.2\", \"10.0.0.1\"]"),
        arguments(
            "dns.answers == [\"10.0.0.1\", \"10.0.0.1\"]",
            NONE.withDnsAnswers(List.of("10.0.0.2", "10.0.0.1")),
            false,
            "== [\"10.0.0.1\", \"10.0.0.1\"]",
            "[\"10.0.0.2\", \"10.0.0.1\"]"),
        arguments(
            "dns.answers matches \"^10\\\\.\"",
            NONE.withDnsAnswers(List.of("192.168.0.1", "10.1.2.3")),
            true,
            "to match \"^10\\.\"",
            "[\"192.168.0.1\", \"10.1.2.3\"]"),
        arguments(
            "dns.rcode == \"NOERROR\"",
            NONE.withDnsRcode("NOERROR"),
            true,
            "== \"NOERROR\"",
            "\"NOERROR\""),
        arguments(
            "dns.rcode == \"NOERROR\"",
            NONE.withDnsRcode("NXDOMAIN"),
            false,
            "== \"NOERROR\"",
            "\"NXDOMAIN\""),
        arguments(
            "dns.rcode == \"FORMERR\"",
            NONE.withDnsRcode("FORMERROR"),
            true,
            "== \"FORMERR\"",
            "\"FORMERR\""),
        arguments(
            "dns.rcode in [\"NOTIMPL\"]",
            NONE.withDnsRcode("NOTIMP"),
            true,
            "one of [\"NOTIMPL\"]",
            "\"NOTIMP\""));
  }

  @ParameterizedTest(name = "[{index}] {0} -> {2}")
  @MethodSource("verdicts")
  void whenAnAssertionIsEvaluated_thenTheVerdictSaysWhatWasExpectedAndSeen(
      String text, FakeObservation observation, boolean ok, String expected, String actual) {
    Assertion a = AssertionParser.parse(text);

    Verdict v = Evaluator.evaluate(a, observation);

    assertThat(v).isEqualTo(new Verdict(ok, a.print(), expected, actual));
  }

  @ParameterizedTest
  @MethodSource("verdicts")
  void whenOnlyTheFirstFailingAssertionIsAskedFor_thenItsVerdictIsTheOneEvaluateGives(
      String text, FakeObservation observation, boolean ok, String expected, String actual) {
    Assertion a = AssertionParser.parse(text);

    Evaluator.Failed failed = Evaluator.firstFailing(List.of(a, a), observation);

    if (ok) {
      assertThat(failed).isNull();
    } else {
      assertThat(failed)
          .isEqualTo(new Evaluator.Failed(0, new Verdict(false, a.print(), expected, actual)));
    }
  }

  @Test
  void whenAStatusFails_thenTheMessageReadsNaturally() {
    Verdict v =
        Evaluator.evaluate(AssertionParser.parse("status in [200,204]"), NONE.withStatus(503));

    assertThat(v.message()).isEqualTo("status in [200, 204]: expected one of [200, 204], got 503");
  }

  @Test
  void whenTheActualValueIsLong_thenItIsShortenedTo200Characters() {
    String body = "x".repeat(10_000);

    Verdict v =
        Evaluator.evaluate(AssertionParser.parse("body contains \"UP\""), NONE.withBody(body));

    assertThat(v.ok()).isFalse();
    assertThat(v.actual()).hasSize(200).startsWith("\"xxx").endsWith("x...");
  }

  @Test
  void whenAJsonArrayIsLong_thenItsRenderingIsShortened() {
    String body = "[" + "1,".repeat(5000) + "1]";

    Verdict v = Evaluator.evaluate(AssertionParser.parse("body.$ contains 2"), NONE.withBody(body));

    assertThat(v.ok()).isFalse();
    assertThat(v.actual()).hasSize(200).startsWith("[1, 1, ").endsWith("...");
  }

  @Test
  void whenSeveralAssertionsReadOneJsonBody_thenEvaluateAllGivesAVerdictEach() {
    List<Assertion> assertions =
        Stream.of("status == 200", "body.$.state == \"PAID\"", "body.$.cart.items[9].sku != null")
            .map(AssertionParser::parse)
            .toList();

    List<Verdict> verdicts = Evaluator.evaluateAll(assertions, NONE.withStatus(200).withBody(CART));

    assertThat(verdicts).extracting(Verdict::ok).containsExactly(true, true, false);
    assertThat(Evaluator.firstFailing(assertions, NONE.withStatus(200).withBody(CART)))
        .isEqualTo(new Evaluator.Failed(2, verdicts.get(2)));
    assertThat(verdicts.get(2).actual())
        .isEqualTo("no value at $.cart.items[9].sku ($.cart.items has 2 elements)");
  }

  @Test
  void whenAnAssertionWasBuiltWithoutTheParserAndIsIllTyped_thenItFailsWithoutThrowing() {
    Observation all =
        NONE.withStatus(200)
            .withBody("{\"a\": 1}")
            .withDnsAnswers(List.of("x"))
            .withLatency(Duration.ofMillis(5));
    List<Assertion> odd =
        List.of(
            new Assertion(new Subject.Status(), Operator.LT, new StringLit("abc")),
            new Assertion(new Subject.Status(), Operator.IN, new NumberLit(BigDecimal.ONE)),
            new Assertion(new Subject.Status(), Operator.CONTAINS, new NumberLit(BigDecimal.ONE)),
            new Assertion(new Subject.Latency(), Operator.MATCHES, new StringLit("(")),
            new Assertion(new Subject.Body(), Operator.MATCHES, new NumberLit(BigDecimal.ONE)),
            new Assertion(
                new Subject.BodyJson(new JsonPath(List.of("a"))), Operator.GT, new StringLit("0")));

    for (Assertion a : odd) {
      Verdict v = Evaluator.evaluate(a, all);
      assertThat(v.ok()).as(a.print()).isFalse();
    }
    assertThat(
            Evaluator.evaluate(
                    new Assertion(new Subject.Body(), Operator.MATCHES, new StringLit("(")), all)
                .actual())
        .startsWith("an invalid regular expression: Unclosed group");
  }

  @Test
  void whenTheBodyNestsTooDeeply_thenItCountsAsNotJson() {
    String body = "[".repeat(100_000) + "]".repeat(100_000);

    Verdict v = Evaluator.evaluate(AssertionParser.parse("body.$[0] != null"), NONE.withBody(body));

    assertThat(v.ok()).isFalse();
    assertThat(v.actual()).isEqualTo("no value at $[0] (the body is not JSON)");
  }

  @Test
  void whenARegexRecursesTooDeeplyOnALongBody_thenTheVerdictFailsInsteadOfThrowing() {
    String body = "ab".repeat(1_000_000);

    Verdict v =
        Evaluator.evaluate(AssertionParser.parse("body matches \"^(a|b)*c\""), NONE.withBody(body));

    assertThat(v.ok()).isFalse();
    assertThat(v.actual())
        .isEqualTo(
            "a text of 2000000 characters that is too long for this regular expression to search");
  }
}
