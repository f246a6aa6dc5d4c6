package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nines.common.testing.ManualTimeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderTest {
  static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");

  @TempDir Path dir;

  static FleetLoader loader() {
    return loader(Map.of(), Map.of());
  }

  static FleetLoader loader(Map<String, String> overrides, Map<String, String> env) {
    return new FleetLoader(new ManualTimeSource(T0), overrides, env);
  }

  private void write(String name, String yaml) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  private static final String MINIMAL =
      """
      locations: [eu-west, us-east, ap-south]
      vars: {shop: "http://127.0.0.1:8070"}
      teams: {web: {email: [web@shop.example]}}
      services: {shop: {tier: important, owners: [web]}}
      """;

  @Test
  void whenABrokenDirectoryIsLoaded_thenEveryProblemOfEveryFileIsReportedAtOnce() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> loader().load(Path.of("src/test/resources/broken/many")));

    assertThat(e.problems().stream().map(Problem::format))
        .containsExactly(
            "checks.yaml:4 checks[0].every was '0s' but it must be at least 1s",
            "checks.yaml:6 checks[0].http.get refers to ${shopp}, which is not defined; did you"
                + " mean 'shop'? (variables here: shop; define it under vars:)",
            "checks.yaml:8 checks[0].http.expect[0] 'status = 200' at column 8: expected an"
                + " operator (==, !=, <, <=, >, >=, in, not in, contains, not contains, matches)"
                + " but found '='; use '==' to compare",
            "checks.yaml:9 checks[1] check 'shop-home' is defined twice: here and at"
                + " checks.yaml:2",
            "checks.yaml:11 checks[1].down-when was '2 of 3 locations fail' but the check runs"
                + " from 2 locations (eu-west, us-east), so N must be 2",
            "checks.yaml:12 warning: checks[1].options.insecure is true: TLS certificates are not"
                + " verified, so an expired or forged certificate goes unnoticed; prefer ca-file"
                + " for private CAs",
            "checks.yaml:16 checks[2].service was 'kart' but no service has that id; did you mean"
                + " 'cart'? (services: shop, cart, idle)",
            "checks.yaml:17 checks[2].tcp.port was '0' but it must be a whole number from 1 to"
                + " 65535",
            "fleet.yaml:6 settings.retention.raw was '10m' but it must be at least 1h",
            "services.yaml:4 services.shop.owners[1] was 'nobody' but no team has that id (teams:"
                + " web, ops)",
            "services.yaml:5 services.shop.depends-on forms a cycle: shop -> cart -> shop;"
                + " dependencies must not loop",
            "services.yaml:6 warning: services.cart has no checks, so its availability is never"
                + " measured",
            "services.yaml:10 warning: services.idle has no owners, so nobody is paged when it"
                + " fails; add owners: [team-id]",
            "services.yaml:11 services.idle.tier was 'silver' but it must be one of critical,"
                + " important, non-critical",
            "teams.yaml:2 warning: teams.web has no channels (email, pagerduty, webhook, slack,"
                + " alertmanager), so it is never notified",
            "teams.yaml:3 teams.web.emial is an unknown key; did you mean 'email'? (allowed here:"
                + " name, email, pagerduty, webhook, slack, alertmanager, escalation, notices)",
            "teams.yaml:6 warning: teams.ops.pagerduty.routing-key is written in the file in"
                + " clear; refer to it as ${env:NAME} or ${file:/path} so that it stays out of"
                + " version control");
    assertThat(e.getMessage()).startsWith("configuration has 12 problems");
  }

  @Test
  void whenACheckSaysLittle_thenTheDefaultsApply() throws Exception {
    write(
        "fleet.yaml",
        MINIMAL
            + """
            checks:
              - id: slow
                service: shop
                http: {get: "${shop}/"}
              - id: fast
                service: shop
                every: 5s
                http: {get: "${shop}/"}
            """);
    Fleet fleet = loader().load(dir);

    Check slow = fleet.check("slow").orElseThrow();
    assertThat(slow.every()).isEqualTo(Duration.ofSeconds(60));
    assertThat(slow.timeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(slow.locations()).containsExactly("eu-west", "us-east", "ap-south");
    assertThat(slow.downWhen()).isEqualTo(DownWhen.MAJORITY);
    assertThat(slow.retries()).isZero();
    CheckSpec.Http http = (CheckSpec.Http) slow.spec();
    assertThat(http.options()).isEqualTo(HttpOptions.DEFAULTS);
    assertThat(http.request().name()).isEqualTo("request");
    assertThat(http.request().method()).isEqualTo("GET");
    assertThat(fleet.check("fast").orElseThrow().timeout())
        .as("the timeout stays below every: half of it when that is under 10s")
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(fleet.settings()).isEqualTo(Settings.DEFAULTS);
    assertThat(fleet.settings().unknown())
        .as("stale time counts as up by default")
        .isEqualTo(Settings.Unknown.UP);
    assertThat(fleet.services().get("shop").targetPercent()).isEqualTo(99.9);
    assertThat(fleet.version().loadedAt()).isEqualTo(T0);
    assertThat(fleet.warnings()).isEmpty();
  }

  @Test
  void whenShopSmartIsLoaded_thenTheJourneyKeepsReferencesAndNoSecretValue() throws Exception {
    Fleet fleet =
        loader(Map.of(), Map.of("SHOP_PROBE_PASSWORD", "hunter2-secret"))
            .load(Path.of("examples/shopsmart"));

    assertThat(fleet.locations()).containsExactly("eu-west", "us-east", "ap-south");
    assertThat(fleet.services().keySet())
        .containsExactly("checkout", "payments", "login", "catalog", "search", "reviews", "orders");
    assertThat(fleet.services().get("checkout").dependsOn()).containsExactly("payments", "catalog");
    assertThat(fleet.services().get("reviews").targetPercent()).isEqualTo(99.0);
    Check journey = fleet.check("checkout-journey").orElseThrow();
    assertThat(journey.every()).isEqualTo(Duration.ofSeconds(30));
    assertThat(journey.downWhen().print(journey.locations().size()))
        .isEqualTo("2 of 3 locations fail");
    List<Request> steps = ((CheckSpec.Journey) journey.spec()).steps();
    assertThat(steps).extracting(Request::name).containsExactly("login", "add-to-cart", "checkout");
    Request login = steps.get(0);
    assertThat(login.url().parts())
        .containsExactly(new Template.Var("shop"), new Template.Text("/api/login"));
    @SuppressWarnings("unchecked")
    Map<String, Object> json = (Map<String, Object>) ((Request.JsonBody) login.body()).tree();
    Template password = (Template) json.get("password");
    assertThat(password.parts())
        .containsExactly(
            new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "SHOP_PROBE_PASSWORD")));
    assertThat(login.extract())
        .containsExactly(new Request.Extraction("token", Request.Extraction.From.JSON, "$.token"));
    assertThat(steps.get(1).headers().get("Authorization").parts())
        .containsExactly(new Template.Text("Bearer "), new Template.Var("token"));
    assertThat(fleet.maintenanceOf("catalog"))
        .singleElement()
        .satisfies(
            w ->
                assertThat(w.schedule())
                    .isEqualTo(
                        new MaintenanceWindow.Weekly(
                            DayOfWeek.SUNDAY,
                            LocalTime.of(2, 0),
                            Duration.ofHours(2),
                            ZoneId.of("UTC"))));
    Team payments = fleet.teams().get("payments");
    assertThat(payments.escalation().steps())
        .containsExactly(
            new Escalation.Step(Duration.ZERO, List.of("pagerduty")),
            new Escalation.Step(Duration.ofMinutes(10), List.of("pagerduty", "email")));
    assertThat(payments.escalation().repeat()).isEqualTo(Duration.ofMinutes(30));
    assertThat(payments.notices())
        .isEqualTo(new Notices(Notices.Mode.NOTICE, Notices.Mode.PAGE, true));
    assertThat(fleet.teams().get("community").escalation())
        .isEqualTo(Escalation.allAtOnce(fleet.teams().get("community").channels()));
    assertThat(fleet.settings().alerting())
        .isEqualTo(new Settings.Alerting("platform", 5, Duration.ofMinutes(30)));
    assertThat(fleet.toString()).doesNotContain("hunter2-secret");
    assertThat(fleet.warnings())
        .extracting(Problem::message)
        .noneMatch(m -> m.contains("SHOP_PROBE_PASSWORD"))
        .allMatch(m -> m.contains("is not set in this environment"));
  }

  @Test
  void whenTheMinimalExampleIsLoaded_thenItHasOneServiceAndOneCheckAndNoWarnings()
      throws Exception {
    Fleet fleet = loader().load(Path.of("examples/minimal"));

    assertThat(fleet.services()).containsOnlyKeys("website");
    assertThat(fleet.checks()).extracting(Check::id).containsExactly("website-home");
    assertThat(fleet.warnings()).isEmpty();
  }

  @Test
  void whenEveryFeatureIsUsed_thenTheModelHoldsEachAsWritten() throws Exception {
    Fleet fleet = loader().load(Path.of("src/test/resources/valid/everything"));

    assertThat(fleet.settings().retentionRaw()).isEqualTo(Duration.ofDays(3));
    assertThat(fleet.settings().tierTargets()).containsEntry(Tier.NON_CRITICAL, 98.0);
    assertThat(fleet.settings().unknown()).isEqualTo(Settings.Unknown.EXCLUDED);
    assertThat(fleet.services().get("api").targetPercent()).isEqualTo(99.95);
    assertThat(fleet.services().get("database").targetPercent()).isEqualTo(99.5);
    assertThat(fleet.services().get("api").downWhen()).isEqualTo(DownWhen.ALL);
    assertThat(fleet.services().get("database").downWhen())
        .as("the default: the worst of its checks")
        .isEqualTo(DownWhen.ANY);
    assertThat(fleet.teams().get("ops").channels())
        .extracting(Channel::kind)
        .containsExactly("email", "pagerduty", "webhook", "slack", "alertmanager");
    assertThat(fleet.teams().get("ops").channelsOf("alertmanager"))
        .extracting(c -> ((Channel.Alertmanager) c).url().source())
        .containsExactly("http://alertmanager.shop.example:9093");
    assertThat(fleet.vars()).containsEntry("port", "8443");

    CheckSpec.Http health = (CheckSpec.Http) fleet.check("api-health").orElseThrow().spec();
    assertThat(health.options())
        .isEqualTo(new HttpOptions(true, 0, false, "/etc/ssl/certs/shop-ca.pem", true, 64 * 1024));
    assertThat(health.request().headers().get("X-Literal").render(v -> null, s -> null))
        .as("$${ is a literal ${")
        .isEqualTo("costs $5, not ${price}");
    assertThat(fleet.check("api-health").orElseThrow().downWhen()).isEqualTo(new DownWhen(1));

    CheckSpec.Journey orderFlow =
        (CheckSpec.Journey) fleet.check("api-order-flow").orElseThrow().spec();
    assertThat(orderFlow.options().followRedirects()).isFalse();
    assertThat(orderFlow.options().maxRedirects()).isEqualTo(HttpOptions.DEFAULTS.maxRedirects());
    List<Request> steps = orderFlow.steps();
    assertThat(steps)
        .extracting(Request::method)
        .containsExactly("POST", "PUT", "GET", "DELETE", "OPTIONS", "PATCH");
    assertThat(steps.get(0).extract())
        .containsExactly(
            new Request.Extraction("session", Request.Extraction.From.HEADER, "X-Session"),
            new Request.Extraction("csrf", Request.Extraction.From.REGEX, "csrf=([a-f0-9]+)"));
    assertThat(steps.get(1).body()).isInstanceOf(Request.RawBody.class);
    assertThat(((Request.RawBody) steps.get(1).body()).contentType()).isEqualTo("application/xml");

    CheckSpec.Tcp tcp = (CheckSpec.Tcp) fleet.check("db-port").orElseThrow().spec();
    assertThat(tcp.host()).as("vars are substituted in plain fields").isEqualTo("db.shop.example");
    assertThat(tcp.send().source()).isEqualTo("PING\r\n");
    CheckSpec.Dns dns = (CheckSpec.Dns) fleet.check("dns-shop").orElseThrow().spec();
    assertThat(dns.server()).isEqualTo("1.1.1.1:53");
    assertThat(dns.recordType()).isEqualTo("AAAA");
    CheckSpec.Tls tls = (CheckSpec.Tls) fleet.check("api-cert").orElseThrow().spec();
    assertThat(tls.serverName()).isEqualTo("api.shop.example");

    assertThat(fleet.maintenance())
        .extracting(MaintenanceWindow::schedule)
        .containsExactly(
            new MaintenanceWindow.Weekly(
                DayOfWeek.TUESDAY,
                LocalTime.of(23, 30),
                Duration.ofMinutes(90),
                ZoneId.of("Europe/Paris")),
            new MaintenanceWindow.Once(
                Instant.parse("2026-05-01T02:00:00Z"), Instant.parse("2026-05-01T04:00:00Z")));
  }

  @Test
  void whenVarsAreOverridden_thenTheOverridesWinAndMayAddVariables() throws Exception {
    write(
        "fleet.yaml",
        MINIMAL
            + """
            checks:
              - {id: home, service: shop, http: {get: "${shop}/${path}"}}
            """);
    Fleet fleet =
        loader(Map.of("shop", "http://127.0.0.1:9999", "path", "health"), Map.of()).load(dir);

    assertThat(fleet.vars())
        .containsEntry("shop", "http://127.0.0.1:9999")
        .containsEntry("path", "health");
  }

  @Test
  void whenFilesAreNestedOrHidden_thenYamlFilesLoadInPathOrderAndHiddenOnesAreSkipped()
      throws Exception {
    write("a.yaml", MINIMAL);
    write("b/checks.yml", "checks:\n  - {id: one, service: shop, http: {get: \"${shop}/1\"}}\n");
    write("b/d/more.yaml", "checks:\n  - {id: two, service: shop, http: {get: \"${shop}/2\"}}\n");
    write(".git/x.yaml", "this: is not config");
    write(".hidden.yaml", "nor: this");
    write("notes.txt", "ignored");

    Fleet fleet = loader().load(dir);

    assertThat(fleet.checks()).extracting(Check::id).containsExactly("one", "two");
  }

  @Test
  void whenTheSameFilesAreLoaded_thenTheVersionHashIsTheirPathsAndContents() throws Exception {
    write("a.yaml", MINIMAL);
    write("b/c.yaml", "checks: []\n");
    Fleet fleet = loader().load(dir);

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    for (String[] f : new String[][] {{"a.yaml", MINIMAL}, {"b/c.yaml", "checks: []\n"}}) {
      sha.update(f[0].getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(f[1].getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
    }
    assertThat(fleet.version().hash()).isEqualTo(HexFormat.of().formatHex(sha.digest()));
    assertThat(fleet.version().shortHash()).hasSize(12);

    write("b/c.yaml", "checks: [] # a comment changes the version\n");
    assertThat(loader().load(dir).version().hash()).isNotEqualTo(fleet.version().hash());
  }

  @Test
  void whenTheDirectoryIsMissingOrEmpty_thenTheLoaderSaysSo() throws Exception {
    ConfigException missing =
        catchThrowableOfType(ConfigException.class, () -> loader().load(dir.resolve("nope")));
    assertThat(missing.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.message()).isEqualTo("does not exist");
            });

    ConfigException empty = catchThrowableOfType(ConfigException.class, () -> loader().load(dir));
    assertThat(empty.problems())
        .singleElement()
        .satisfies(p -> assertThat(p.message()).isEqualTo("holds no *.yaml or *.yml files"));
  }

  @Test
  void whenNoLocationIsDeclared_thenACheckWithoutLocationsIsAnError() throws Exception {
    write(
        "fleet.yaml",
        """
        teams: {web: {email: [web@shop.example]}}
        services: {shop: {tier: important, owners: [web]}}
        checks:
          - {id: home, service: shop, http: {get: "https://shop.example/"}}
        """);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(dir));

    assertThat(e.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.format())
                  .isEqualTo(
                      "fleet.yaml:4 checks[0] runs from no location: declare locations:"
                          + " [eu-west, ...] at the top level of a file, or list them on the"
                          + " check");
            });
  }

  @Test
  void whenSecretsAreSetOrExist_thenThereIsNoWarningAndNoValueAnywhere(@TempDir Path secrets)
      throws Exception {
    Path keyFile = secrets.resolve("key");
    Files.writeString(keyFile, "file-secret-value\n");
    write(
        "fleet.yaml",
        MINIMAL.replace(
                "{web: {email: [web@shop.example]}}",
                "{web: {pagerduty: {routing-key: \"${file:" + keyFile + "}\"}}}")
            + """
            checks:
              - id: home
                service: shop
                http:
                  get: "${shop}/"
                  headers: {X-Key: "${env:API_KEY}"}
                  expect: [status == 200]
            """);
    Fleet fleet = loader(Map.of(), Map.of("API_KEY", "env-secret-value")).load(dir);

    assertThat(fleet.warnings()).isEmpty();
    assertThat(fleet.toString())
        .doesNotContain("env-secret-value")
        .doesNotContain("file-secret-value")
        .contains("${env:API_KEY}");
    assertThat(FleetDiff.between(fleet, fleet).toJson().encode()).doesNotContain("secret-value");
  }

  @Test
  void whenProblemsAreFormatted_thenEachIsALineAndTheCountsFollow() {
    List<Problem> problems =
        List.of(
            new Problem(Problem.Severity.ERROR, "a.yaml", 3, "checks[0].every", "was '0s' ..."),
            new Problem(Problem.Severity.WARNING, "b.yaml", 0, "", "is odd"));

    assertThat(FleetLoader.formatProblems(problems))
        .isEqualTo(
            "a.yaml:3 checks[0].every was '0s' ...\nb.yaml warning: is odd\n1 error, 1 warning");
    assertThat(FleetLoader.formatProblems(List.of())).isEqualTo("no problems");
  }

  @Test
  void whenAFileIsNotUtf8_thenItIsReported() throws Exception {
    Files.write(dir.resolve("bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28});
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(dir));

    assertThat(e.problems())
        .extracting(Problem::format)
        .contains(
            "bad.yaml:1 is not valid UTF-8 text: byte 4 of this line, 0xC3, is not UTF-8 (a"
                + " Latin-1 or Windows-1252 accent is a common cause); save the file as UTF-8");
  }
}
