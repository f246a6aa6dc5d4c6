package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nines.common.testing.ManualTimeSource;
import io.nines.config.BrowserStep.Selector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowserConfigTest {
  @TempDir Path dir;

  private static final String HEAD =
      """
      locations: [eu-west]
      vars: {shop: "http://127.0.0.1:8070"}
      teams: {web: {email: [web@shop.example]}}
      services: {shop: {tier: important, owners: [web]}}
      checks:
        - id: shop-browser
          service: shop
      """;

  private Fleet load(String check) throws IOException, ConfigException {
    Files.writeString(dir.resolve("fleet.yaml"), HEAD + check.indent(4));
    return new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
        .load(dir);
  }

  private List<String> problems(String check) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(check));
    assertThat(e).as("the load fails").isNotNull();
    return e.problems().stream().map(Problem::format).toList();
  }

  @Test
  void whenTheFixtureUsesEveryStep_thenTheModelHoldsEachAsWritten() throws Exception {
    Fleet fleet =
        new FleetLoader(
                new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
            .load(Path.of("src/test/resources/valid/browser"));
    Check check = fleet.checks().get(0);
    CheckSpec.Browser b = (CheckSpec.Browser) check.spec();

    assertThat(check.type()).isEqualTo("browser");
    assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(45));
    assertThat(b.stepTimeout()).isEqualTo(Duration.ofSeconds(8));
    assertThat(b.viewportWidth()).isEqualTo(1280);
    assertThat(b.steps()).hasSize(15);
    assertThat(b.steps().stream().map(BrowserStep::name).toList())
        .startsWith("1-goto", "log-in", "3-fill", "4-click", "5-wait-for");
    BrowserStep.Fill password = (BrowserStep.Fill) b.steps().get(2);
    assertThat(password.value().hasSecrets()).isTrue();
    assertThat(password.value().source()).isEqualTo("${env:SHOP_PROBE_PASSWORD}");
    BrowserStep.Click login = (BrowserStep.Click) b.steps().get(3);
    assertThat(login.selector())
        .isEqualTo(
            new Selector(
                "role=button[name=\"Log in\"]", Selector.Kind.ROLE, "button", "Log in", true));
    BrowserStep.WaitFor welcome = (BrowserStep.WaitFor) b.steps().get(4);
    assertThat(welcome.condition()).isInstanceOf(BrowserStep.TextPresent.class);
    BrowserStep.Extract order = (BrowserStep.Extract) b.steps().get(9);
    assertThat(order.into()).isEqualTo("order-id");
    assertThat(order.attribute()).isEqualTo("data-id");
    BrowserStep.Click checkout = (BrowserStep.Click) b.steps().get(11);
    assertThat(checkout.selector().kind()).isEqualTo(Selector.Kind.TEXT);
    assertThat(checkout.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.expect().stream().map(a -> a.print()).toList())
        .containsExactly("lcp < 2500ms", "console.errors == 0", "cls < 0.1", "latency < 30s");
  }

  @Test
  void whenABrowserCheckSaysLittle_thenItsDefaultsApply() throws Exception {
    Check check = load("browser: {steps: [{goto: \"${shop}/\"}]}").checks().get(0);
    CheckSpec.Browser b = (CheckSpec.Browser) check.spec();

    assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(b.stepTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.viewportWidth()).isEqualTo(1280);
    assertThat(b.viewportHeight()).isEqualTo(720);
  }

  @Test
  void whenAStepIsUnknown_thenTheLoaderNamesTheActions() {
    assertThat(problems("browser: {steps: [{goto: \"${shop}/\"}, {hover: \"#buy\"}]}"))
        .contains(
            "fleet.yaml:8 checks[0].browser.steps[1].hover is an unknown key (allowed here:"
                + " name, timeout, goto, click, fill, select, press, wait-for, expect, extract,"
                + " screenshot)",
            "fleet.yaml:8 checks[0].browser.steps[1] has no action; write exactly one of goto,"
                + " click, fill, select, press, wait-for, expect, extract, screenshot, e.g."
                + " click: \"#checkout\"");
  }

  @Test
  void whenAStepHasTwoActions_thenTheSecondIsNamed() {
    assertThat(problems("browser: {steps: [{goto: \"${shop}/\", click: \"#buy\"}]}"))
        .containsExactly(
            "fleet.yaml:8 checks[0].browser.steps[0].click is a second action besides 'goto';"
                + " a step does one thing, so split it into two steps");
  }

  @Test
  void whenASelectorIsMalformed_thenTheLoaderSaysWhatIsWrong() {
    assertThat(
            problems(
                """
                browser:
                  steps:
                    - click: "div[data-x=1"
                    - click: "form >"
                    - click: "role=buton"
                    - click: "role=button[name=Buy"
                    - click: "text="
                    - click: "//button"
                """))
        .containsExactly(
            "fleet.yaml:10 checks[0].browser.steps[0].click was 'div[data-x=1', which is not"
                + " valid CSS: '[' is not closed with ']'",
            "fleet.yaml:11 checks[0].browser.steps[1].click was 'form >', which is not valid"
                + " CSS: it starts or ends with a combinator or comma",
            "fleet.yaml:12 checks[0].browser.steps[2].click was 'role=buton', whose role"
                + " 'buton' is not an ARIA role this probe knows; did you mean 'button'? (roles:"
                + " alert, article, banner, button, cell, checkbox, columnheader, combobox,"
                + " dialog, form, grid, heading, img, link, list, listbox, listitem, main, menu,"
                + " menuitem, navigation, option, progressbar, radio, region, row, search,"
                + " searchbox, slider, spinbutton, status, switch, tab, table, tabpanel,"
                + " textbox)",
            "fleet.yaml:13 checks[0].browser.steps[3].click was 'role=button[name=Buy', which"
                + " is not a role selector: write role=ROLE or role=ROLE[name=\"Accessible"
                + " name\"], as in role=button[name=\"Checkout\"]",
            "fleet.yaml:14 checks[0].browser.steps[4].click was 'text=', but text= needs the"
                + " text to look for, as in text=Add to cart",
            "fleet.yaml:15 checks[0].browser.steps[5].click was '//button', but XPath is not"
                + " supported; use CSS, text=... or role=...");
  }

  @Test
  void whenAFieldIsMissing_thenTheLoaderNamesIt() {
    assertThat(
            problems(
                """
                browser:
                  steps:
                    - fill: { selector: "#user" }
                    - extract: { into: order }
                    - wait-for: { in: "#x" }
                """))
        .containsExactly(
            "fleet.yaml:10 checks[0].browser.steps[0].fill is missing required key 'value'"
                + " (what to type)",
            "fleet.yaml:11 checks[0].browser.steps[1].extract is missing required key 'from'"
                + " (the element whose text (or attribute) to take)",
            "fleet.yaml:12 checks[0].browser.steps[2].wait-for says nothing to wait for; write"
                + " exactly one of visible, hidden, text, url or title, e.g. {text: \"Thank"
                + " you\"}");
  }

  @Test
  void whenStepsAreMissingOrEmpty_thenTheLoaderAsksForThem() {
    assertThat(problems("browser: {expect: [\"lcp < 2500ms\"]}"))
        .contains(
            "fleet.yaml:8 checks[0].browser is missing required key 'steps' (a list of steps"
                + " such as - goto: https://shop.example/)");
    assertThat(problems("browser: {steps: []}"))
        .contains(
            "fleet.yaml:8 checks[0].browser.steps was a list but it must be a list of at least"
                + " one step, the first usually a goto");
  }

  @Test
  void whenATimeoutIsLongerThanTheCheck_thenItIsRefused() {
    assertThat(
            problems(
                """
                timeout: 20s
                browser:
                  step-timeout: 30s
                  steps:
                    - goto: "${shop}/"
                      timeout: 0s
                """))
        .containsExactly(
            "fleet.yaml:10 checks[0].browser.step-timeout was '30s' but it must be above 0 and"
                + " at most the check's timeout (20s), which bounds the whole run",
            "fleet.yaml:13 checks[0].browser.steps[0].timeout was '0s' but it must be above 0"
                + " and at most the check's timeout (20s), which bounds the whole run");
  }

  @Test
  void whenAVariableIsUsedBeforeItIsExtracted_thenTheStepThatExtractsItIsNamed() {
    assertThat(
            problems(
                """
                browser:
                  steps:
                    - goto: "${shop}/order/${order}"
                    - extract: { into: order, from: "#order" }
                """))
        .containsExactly(
            "fleet.yaml:10 checks[0].browser.steps[0].goto refers to ${order}, but step '#2'"
                + " extracts it, and a step can use only what earlier steps extracted");
  }

  @Test
  void whenASecretIsUsedOutsideAFillValue_thenItIsRefused() {
    assertThat(problems("browser: {steps: [{goto: \"${shop}/?k=${env:KEY}\"}]}"))
        .anyMatch(p -> p.contains("steps[0].goto refers to the secret ${env:KEY}"));
  }

  @Test
  void whenARunAssertionDoesNotApply_thenTheBrowserSubjectsAreListed() {
    assertThat(
            problems(
                "browser: {steps: [{goto: \"${shop}/\"}], expect: [\"status == 200\", \"lcp <"
                    + " 2500\"]}"))
        .containsExactly(
            "fleet.yaml:8 checks[0].browser.expect[0] 'status == 200' can't be used here:"
                + " 'status' is not available in a browser check; use one of latency, lcp, cls,"
                + " inp, fcp, ttfb, console.errors, requests.failed",
            "fleet.yaml:8 checks[0].browser.expect[1] 'lcp < 2500' at column 7: lcp is a"
                + " duration, so '<' needs a duration such as 800ms but found the number 2500");
  }

  @Test
  void whenAPressKeyOrViewportIsWrong_thenTheRuleIsGiven() {
    assertThat(
            problems(
                """
                browser:
                  viewport: 100x100
                  steps:
                    - press: Enterr
                """))
        .containsExactly(
            "fleet.yaml:9 checks[0].browser.viewport was '100x100' but it must be WIDTHxHEIGHT"
                + " with a width from 200 to 3840 and a height from 200 to 2160",
            "fleet.yaml:11 checks[0].browser.steps[0].press was 'Enterr' but it must be one"
                + " character or a key name: Enter, Tab, Escape, Backspace, Delete, Space,"
                + " ArrowUp, ArrowDown, ArrowLeft, ArrowRight, Home, End, PageUp, PageDown");
  }

  @Test
  void whenOptionsAreGivenToABrowserCheck_thenTheyAreRefused() {
    assertThat(problems("options: {insecure: true}\nbrowser: {steps: [{goto: \"${shop}/\"}]}"))
        .anyMatch(p -> p.contains("options applies only to http and journey checks"));
  }

  @Test
  void whenARunReportsItsMetrics_thenBrowserAssertionsJudgeThem() {
    io.nines.config.assertion.Observation run =
        new io.nines.config.assertion.Observation() {
          @Override
          public Object browserMetric(String name) {
            return switch (name) {
              case "lcp" -> Duration.ofMillis(3100);
              case "cls" -> 0.02;
              case "console.errors" -> 1;
              default -> null;
            };
          }
        };

    assertThat(verdict("lcp < 2500ms", run).ok()).isFalse();
    assertThat(verdict("lcp < 2500ms", run).message())
        .isEqualTo("lcp < 2500ms: expected < 2500ms, got 3100ms");
    assertThat(verdict("cls < 0.1", run).ok()).isTrue();
    assertThat(verdict("console.errors == 0", run).message())
        .isEqualTo("console.errors == 0: expected == 0, got 1");
    assertThat(verdict("inp < 200ms", run).message())
        .isEqualTo("inp < 200ms: expected < 200ms, got absent");
  }

  private static io.nines.config.assertion.Verdict verdict(
      String text, io.nines.config.assertion.Observation o) {
    return io.nines.config.assertion.Evaluator.evaluate(
        io.nines.config.assertion.AssertionParser.parse(text), o);
  }
}
