package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nines.common.testing.ManualTimeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of problem the loader reports, one inline YAML file each, next to a valid base file.
 * Each case names the problem's severity, line, key path and a fragment of its message.
 */
class ProblemsTest {
  /** A valid fleet the cases add to; its service {@code checkout} has a check. */
  static final String BASE =
      """
      locations: [eu-west, us-east, ap-south]
      settings:
        tiers: {important: 99.9}
      vars:
        shop: "http://127.0.0.1:8070"
      teams:
        payments:
          email: [payments@shop.example]
      services:
        checkout:
          tier: critical
          owners: [payments]
      checks:
        - id: base-check
          service: checkout
          http:
            get: "${shop}/health"
      """;

  record Case(
      String name,
      String yaml,
      Problem.Severity severity,
      int line,
      String path,
      String message,
      int errors) {
    /** The same case where the problem comes with others, {@code errors} in all. */
    Case errors(int n) {
      return new Case(name, yaml, severity, line, path, message, n);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Case error(String name, String yaml, int line, String path, String message) {
    return new Case(name, yaml, Problem.Severity.ERROR, line, path, message, 1);
  }

  static Case warning(String name, String yaml, int line, String path, String message) {
    return new Case(name, yaml, Problem.Severity.WARNING, line, path, message, 0);
  }

  /** A check of service checkout with {@code body} as its remaining keys, at line 2 onwards. */
  static String check(String body) {
    return "checks:\n  - id: c1\n    service: checkout\n" + body.stripIndent();
  }

  static List<Case> cases() {
    return List.of(
        // YAML itself
        error("yaml syntax", "checks:\n  - id: a\n    service: [x\n", 4, "", "is not valid YAML"),
        error("not a mapping", "- a\n- b\n", 1, "", "must be a mapping of top-level keys"),
        error(
            "recursive alias",
            check("    http:\n      post: \"${shop}/x\"\n      json: &j {a: *j}\n"),
            6,
            "",
            "holds an alias that refers to a node containing itself"),
        error(
            "merge key",
            check("    <<: {every: 30s}\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].<<",
            "is an unknown key; YAML merge keys are not supported"),
        error(
                "duplicate id of a broken check",
                check("    every: 0s\n    http: {get: \"${shop}/x\"}\n")
                    + "  - id: c1\n    service: checkout\n    http: {get: \"${shop}/y\"}\n",
                6,
                "checks[1]",
                "check 'c1' is defined twice: here and at case.yaml:2")
            .errors(2),
        error(
            "second document",
            "locations: [x]\n---\nvars: {}\n",
            3,
            "",
            "starts a second YAML document"),
        // unknown keys
        error(
            "unknown top-level key",
            "chekcs: []\n",
            1,
            "chekcs",
            "is an unknown key; did you mean 'checks'? (allowed here: locations, vars, settings,"
                + " teams, services, checks, maintenance)"),
        error(
            "unknown check key",
            check("    evrey: 30s\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].evrey",
            "is an unknown key; did you mean 'every'?"),
        error(
                "url instead of a method",
                check("    http: {url: \"${shop}/x\"}\n"),
                4,
                "checks[0].http.url",
                "is an unknown key; the method is the key: write get: <url>")
            .errors(2),
        error(
            "unknown service key",
            "services:\n  a:\n    tier: critical\n    owner: [payments]\n",
            4,
            "services.a.owner",
            "did you mean 'owners'?"),
        // missing required keys
        error(
            "check without service",
            "checks:\n  - id: c1\n    http: {get: \"${shop}/x\"}\n",
            2,
            "checks[0]",
            "is missing required key 'service'"),
        error(
            "service without tier",
            "services:\n  a:\n    owners: [payments]\n",
            3,
            "services.a",
            "is missing required key 'tier'"),
        error(
            "webhook without url",
            "teams:\n  t:\n    webhook: {secret: \"${env:X}\"}\n",
            3,
            "teams.t.webhook",
            "is missing required key 'url'"),
        error(
            "alertmanager without url",
            "teams:\n  t:\n    alertmanager: {}\n",
            3,
            "teams.t.alertmanager",
            "is missing required key 'url'"),
        error(
            "alertmanager url without scheme",
            "teams:\n  t:\n    alertmanager: {url: \"alertmanager:9093\"}\n",
            3,
            "teams.t.alertmanager.url",
            "it must be an absolute http:// or https:// URL"),
        // wrong types
        error(
            "list for a duration",
            check("    every: [30s]\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].every",
            "was a list but it must be a duration such as 30s"),
        error(
            "string for retries",
            check("    retries: \"2\"\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].retries",
            "was '2' but it must be a whole number from 0 to 5"),
        error(
            "mapping for checks",
            "checks: {c1: {}}\n",
            1,
            "checks",
            "was a mapping but it must be a list"),
        error(
            "number for an id",
            check("    http: {get: \"${shop}/x\"}\n").replace("id: c1", "id: 12"),
            2,
            "checks[0].id",
            "was '12' but it must be a non-empty string"),
        error(
            "bad id",
            check("    http: {get: \"${shop}/x\"}\n").replace("id: c1", "id: Shop Home"),
            2,
            "checks[0].id",
            "was 'Shop Home' but it must be an id of lowercase letters"),
        error(
            "yes is not a boolean",
            check("    options: {insecure: yes}\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].options.insecure",
            "was 'yes' but it must be true or false"),
        error(
            "follow-redirects not a boolean",
            check("    options: {follow-redirects: 3}\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].options.follow-redirects",
            "was '3' but it must be true or false"),
        // durations
        error(
            "bad duration unit",
            check("    every: 10x\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].every",
            "was '10x' but it must be a duration such as 30s"),
        error(
            "every below 1s",
            check("    every: 0s\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].every",
            "was '0s' but it must be at least 1s"),
        error(
            "timeout not below every",
            check("    every: 30s\n    timeout: 30s\n    http: {get: \"${shop}/x\"}\n"),
            5,
            "checks[0].timeout",
            "was '30s' but it must be above 0 and less than every (30s)"),
        error(
            "timeout zero",
            check("    timeout: 0ms\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].timeout",
            "was '0ms' but it must be above 0 and less than every (1m)"),
        error(
            "unknown policy not one of the three",
            "settings:\n  unknown: ignore\n",
            2,
            "settings.unknown",
            "was 'ignore' but it must be one of up, down, excluded"),
        error(
            "retention raw too short",
            "settings:\n  retention: {raw: 10m}\n",
            2,
            "settings.retention.raw",
            "was '10m' but it must be at least 1h"),
        // URLs
        error(
            "ftp url",
            check("    http: {get: \"ftp://shop.example/x\"}\n"),
            4,
            "checks[0].http.get",
            "is 'ftp://shop.example/x', but it must be an absolute http:// or https:// URL"),
        error(
            "relative url",
            check("    http: {get: /health}\n"),
            4,
            "checks[0].http.get",
            "is '/health', but it must be an absolute http:// or https:// URL"),
        error(
            "url bad after substituting vars",
            "vars: {host: \"shop.example:8070\"}\n"
                + check("    http: {get: \"${host}/x\"}\n").replace("checks:", "checks:"),
            5,
            "checks[0].http.get",
            "is 'shop.example:8070/x' (after substituting variables), but it must be an absolute"),
        error(
            "url with a bad host before a secret",
            check("    http: {get: \"https://sh op/${env:P}\"}\n"),
            4,
            "checks[0].http.get",
            "starts with 'https://sh op/', but it is not a valid URL"),
        error(
            "runbook not a url",
            "services:\n  a:\n    tier: critical\n    owners: [payments]\n    runbook: wiki/a\n",
            5,
            "services.a.runbook",
            "was 'wiki/a' but it must be an absolute http:// or https:// URL"),
        // variables and templates
        error(
            "unknown variable",
            check("    http: {get: \"${shopp}/x\"}\n"),
            4,
            "checks[0].http.get",
            "refers to ${shopp}, which is not defined; did you mean 'shop'? (variables here:"
                + " shop; define it under vars:)"),
        error(
            "variable used before its extraction",
            check(
                """
                    journey:
                      - name: first
                        get: "${shop}/a"
                        headers: {X-Token: "${token}"}
                      - name: second
                        get: "${shop}/b"
                        extract: {token: "$.token"}
                """),
            7,
            "checks[0].journey[0].headers.X-Token",
            "refers to ${token}, but step 'second' extracts it, and a step can use only what"
                + " earlier steps extracted"),
        error(
            "unknown reference kind",
            check("    http: {get: \"${shop}/x\", headers: {A: \"${secret:X}\"}}\n"),
            4,
            "checks[0].http.headers.A",
            "has '${secret:X}' with unknown kind 'secret'"),
        error(
            "unterminated reference",
            check("    http: {get: \"${shop}/x\", headers: {A: \"${shop\"}}\n"),
            4,
            "checks[0].http.headers.A",
            "has '${' at position 1 with no closing '}'; write $${ for a literal ${"),
        error(
            "relative secret file",
            check("    http: {get: \"${shop}/x\", headers: {A: \"${file:token}\"}}\n"),
            4,
            "checks[0].http.headers.A",
            "the path must be absolute"),
        error(
            "secret in a plain field",
            check("    tcp: {host: \"${env:HOST}\", port: 5432}\n"),
            4,
            "checks[0].tcp.host",
            "refers to the secret ${env:HOST}, but secrets are allowed only in"),
        error(
            "reference in a var",
            "vars: {token: \"${env:T}\"}\n",
            1,
            "vars.token",
            "holds a reference ('${'); variables are plain text"),
        error(
            "extraction shadows a var",
            check(
                """
                    journey:
                      - name: first
                        get: "${shop}/a"
                        extract: {shop: "$.url"}
                """),
            7,
            "checks[0].journey[0].extract.shop",
            "which is also defined under vars:"),
        // references
        error(
            "unknown service",
            "checks:\n  - id: c1\n    service: chekout\n    http: {get: \"${shop}/x\"}\n",
            3,
            "checks[0].service",
            "was 'chekout' but no service has that id; did you mean 'checkout'? (services:"
                + " checkout)"),
        error(
            "unknown location",
            check("    locations: [eu-west, mars]\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].locations[1]",
            "was 'mars' but no declared location has that id (locations: eu-west, us-east,"
                + " ap-south)"),
        error(
            "location listed twice",
            check("    locations: [eu-west, eu-west]\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].locations[1]",
            "which is already listed"),
        error(
            "unknown team",
            "services:\n  a:\n    tier: critical\n    owners: [paymnets]\n",
            4,
            "services.a.owners[0]",
            "was 'paymnets' but no team has that id; did you mean 'payments'? (teams:"
                + " payments)"),
        error(
            "unknown dependency",
            "services:\n  a:\n    tier: critical\n    owners: [payments]\n"
                + "    depends-on: [checkout, nope]\n",
            5,
            "services.a.depends-on[1]",
            "was 'nope' but no service has that id"),
        error(
            "self dependency",
            "services:\n  a:\n    tier: critical\n    owners: [payments]\n    depends-on: [a]\n",
            5,
            "services.a.depends-on[0]",
            "a service can't depend on itself"),
        error(
            "service down-when that is not a rule",
            "services:\n  a:\n    tier: critical\n    owners: [payments]\n"
                + "    down-when: most\n",
            5,
            "services.a.down-when",
            "'any' (the default: one DOWN check makes the service DOWN), 'all', 'majority', or"
                + " 'K checks fail'"),
        error(
            "service down-when above its checks",
            "services:\n  a:\n    tier: critical\n    owners: [payments]\n"
                + "    down-when: 3 checks fail\n",
            5,
            "services.a.down-when",
            "was '3 checks fail' but 0 checks measure the service, so it could never be DOWN"),
        error(
            "maintenance of an unknown service",
            "maintenance:\n  - {id: m, services: [catlog], every: \"SUN 02:00\", for: 2h}\n",
            2,
            "maintenance[0].services[0]",
            "was 'catlog' but no service has that id"),
        // duplicates
        error(
            "duplicate check across files",
            check("    http: {get: \"${shop}/x\"}\n").replace("id: c1", "id: base-check"),
            2,
            "checks[0]",
            "check 'base-check' is defined twice: here and at base.yaml:14"),
        error(
            "duplicate service across files",
            "services:\n  checkout:\n    tier: critical\n    owners: [payments]\n",
            2,
            "services.checkout",
            "service 'checkout' is defined twice: here and at base.yaml:10"),
        error(
            "duplicate key in one mapping",
            "teams:\n  ops: {email: [a@b.example]}\n  ops: {email: [c@d.example]}\n",
            3,
            "teams.ops",
            "is written twice in this mapping; the first is at line 2"),
        error(
            "duplicate location",
            "locations: [us-east]\n",
            1,
            "locations[0]",
            "location 'us-east' is defined twice: here and at base.yaml:1"),
        error(
            "duplicate maintenance id",
            "maintenance:\n  - {id: m, services: [checkout], every: \"SUN 02:00\", for: 2h}\n"
                + "  - {id: m, services: [checkout], every: \"SAT 02:00\", for: 2h}\n",
            3,
            "maintenance[1]",
            "maintenance window 'm' is defined twice: here and at case.yaml:2"),
        error(
            "duplicate journey step",
            check(
                """
                    journey:
                      - {name: a, get: "${shop}/a"}
                      - {name: a, get: "${shop}/b"}
                """),
            6,
            "checks[0].journey[1]",
            "is named 'a', like the step at line 5; step names must be unique within a journey"),
        error(
            "setting written in two files",
            "settings:\n  tiers: {important: 99.5}\n",
            2,
            "settings.tiers.important",
            "setting 'tiers.important' is defined twice: here and at base.yaml:3"),
        // cycles
        error(
            "dependency cycle",
            """
            services:
              search: {tier: important, owners: [payments], depends-on: [checkout2]}
              checkout2: {tier: critical, owners: [payments], depends-on: [catalog]}
              catalog: {tier: important, owners: [payments], depends-on: [search]}
            """,
            2,
            "services.search.depends-on",
            "forms a cycle: search -> checkout2 -> catalog -> search; dependencies must not"
                + " loop"),
        // assertions
        error(
            "unparsable assertion",
            check(
                "    http:\n      get: \"${shop}/x\"\n      expect: [status == 200, status = 200]\n"),
            6,
            "checks[0].http.expect[1]",
            "'status = 200' at column 8: "),
        error(
            "assertion not for the check type",
            check("    dns:\n      name: shop.example\n      expect: [status == 200]\n"),
            6,
            "checks[0].dns.expect[0]",
            "'status == 200' can't be used here: 'status' is not available in a dns check"),
        // check shapes
        error(
            "two check types",
            check("    http: {get: \"${shop}/x\"}\n    tcp: {host: shop.example, port: 1}\n"),
            5,
            "checks[0].tcp",
            "is a second check type besides 'http'"),
        error("no check type", check(""), 2, "checks[0]", "has no check type"),
        error(
            "options on tcp",
            check("    options: {max-redirects: 1}\n    tcp: {host: shop.example, port: 1}\n"),
            4,
            "checks[0].options",
            "applies only to http and journey checks, and this is a tcp check"),
        error(
            "down-when N wrong",
            check("    down-when: 2 of 4 locations fail\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].down-when",
            "was '2 of 4 locations fail' but the check runs from 3 locations (eu-west, us-east,"
                + " ap-south), so N must be 3"),
        error(
            "down-when K too big",
            check(
                "    locations: [eu-west, us-east]\n    down-when: 3 of 2 locations fail\n"
                    + "    http: {get: \"${shop}/x\"}\n"),
            5,
            "checks[0].down-when",
            "with K from 1 to 2"),
        error(
            "down-when gibberish",
            check("    down-when: most\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].down-when",
            "was 'most' but it must be 'majority' or 'K of N locations fail'"),
        error(
            "retries above 5",
            check("    retries: 6\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].retries",
            "was '6' but it must be a whole number from 0 to 5"),
        error(
            "journey step without name",
            check("    journey:\n      - get: \"${shop}/a\"\n"),
            5,
            "checks[0].journey[0]",
            "is missing required key 'name'"),
        error(
            "empty journey",
            check("    journey: []\n"),
            4,
            "checks[0].journey",
            "a list of at least one step"),
        error(
            "two methods",
            check("    http: {get: \"${shop}/a\", post: \"${shop}/b\"}\n"),
            4,
            "checks[0].http.post",
            "is a second method besides 'get'"),
        error(
            "two bodies",
            check("    http: {post: \"${shop}/a\", body: x, json: {a: 1}}\n"),
            4,
            "checks[0].http.json",
            "is a second body besides 'body'"),
        error(
            "body on a get",
            check("    http: {get: \"${shop}/a\", json: {a: 1}}\n"),
            4,
            "checks[0].http.json",
            "but a GET request has none"),
        error(
            "content-type without body",
            check("    http: {post: \"${shop}/a\", json: {a: 1}, content-type: text/xml}\n"),
            4,
            "checks[0].http.content-type",
            "goes with body: only"),
        error(
            "bad extraction",
            check("    journey:\n      - {name: a, get: \"${shop}/a\", extract: {t: token}}\n"),
            5,
            "checks[0].journey[0].extract.t",
            "was 'token' but it must be a JSONPath such as $.token"),
        error(
            "bad extraction json path",
            check("    journey:\n      - {name: a, get: \"${shop}/a\", extract: {t: \"$..x\"}}\n"),
            5,
            "checks[0].journey[0].extract.t",
            "was '$..x', which is not a JSONPath"),
        error(
            "regex extraction without group",
            check(
                "    journey:\n      - {name: a, get: \"${shop}/a\", extract: {t: \"regex:x+\"}}\n"),
            5,
            "checks[0].journey[0].extract.t",
            "regex:PATTERN with a group"),
        error(
            "bad header name",
            check("    http: {get: \"${shop}/a\", headers: {\"Bad Header\": x}}\n"),
            4,
            "checks[0].http.headers.Bad Header",
            "is not a valid header name"),
        error(
            "tcp port out of range",
            check("    tcp: {host: shop.example, port: 70000}\n"),
            4,
            "checks[0].tcp.port",
            "was '70000' but it must be a whole number from 1 to 65535"),
        error(
            "tcp host with a scheme",
            check("    tcp: {host: \"tcp://shop.example\", port: 1}\n"),
            4,
            "checks[0].tcp.host",
            "must be a host name or IP address, without scheme, port or path"),
        error(
            "dns type",
            check("    dns: {name: shop.example, type: SRV}\n"),
            4,
            "checks[0].dns.type",
            "was 'SRV' but it must be one of A, AAAA, CNAME, MX, TXT"),
        error(
            "dns server",
            check("    dns: {name: shop.example, server: \"1.1.1.1:x\"}\n"),
            4,
            "checks[0].dns.server",
            "host or host:port of a DNS resolver"),
        error(
            "max-body",
            check("    options: {max-body: 2TB}\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].options.max-body",
            "was '2TB' but it must be a size from 1 byte to 1GiB"),
        // maintenance
        error(
            "maintenance bad every",
            "maintenance:\n  - {id: m, services: [checkout], every: \"Sunday 2am\", for: 2h}\n",
            2,
            "maintenance[0].every",
            "was 'Sunday 2am' but it must be a day and a 24-hour time such as \"SUN 02:00\""),
        error(
            "maintenance without for",
            "maintenance:\n  - {id: m, services: [checkout], every: \"SUN 02:00\"}\n",
            2,
            "maintenance[0]",
            "is missing required key 'for'"),
        error(
            "maintenance mixes schedules",
            "maintenance:\n  - id: m\n    services: [checkout]\n    every: \"SUN 02:00\"\n"
                + "    for: 2h\n    from: 2026-05-01T00:00:00Z\n",
            2,
            "maintenance[0]",
            "mixes a weekly window"),
        error(
            "maintenance ends before it starts",
            "maintenance:\n  - id: m\n    services: [checkout]\n"
                + "    from: 2026-05-01T04:00:00Z\n    to: 2026-05-01T02:00:00Z\n",
            5,
            "maintenance[0].to",
            "was '2026-05-01T02:00:00Z' but it must be after from (2026-05-01T04:00:00Z)"),
        error(
            "maintenance bad instant",
            "maintenance:\n  - id: m\n    services: [checkout]\n"
                + "    from: 2026-05-01 04:00\n    to: 2026-05-01T06:00:00Z\n",
            4,
            "maintenance[0].from",
            "but it must be an ISO-8601 date and time with an offset"),
        error(
            "maintenance bad timezone",
            "maintenance:\n  - id: m\n    services: [checkout]\n    every: \"SUN 02:00\"\n"
                + "    for: 2h\n    timezone: Mars/Olympus\n",
            6,
            "maintenance[0].timezone",
            "was 'Mars/Olympus' but it must be a time zone id such as UTC or Europe/Paris"),
        error(
            "maintenance a week long",
            "maintenance:\n  - {id: m, services: [checkout], every: \"SUN 02:00\", for: 7d}\n",
            2,
            "maintenance[0].for",
            "was '7d' but it must be above 0 and less than 7d"),
        // settings, services, teams
        error(
            "unknown tier in settings",
            "settings:\n  tiers: {critcal: 99.9}\n",
            2,
            "settings.tiers.critcal",
            "did you mean 'critical'?"),
        error(
            "target of 100",
            "services:\n  a: {tier: critical, target: 100, owners: [payments]}\n",
            2,
            "services.a.target",
            "was '100' but it must be a percentage above 0 and below 100"),
        error(
            "unknown tier",
            "services:\n  a: {tier: gold, owners: [payments]}\n",
            2,
            "services.a.tier",
            "was 'gold' but it must be one of critical, important, non-critical"),
        error(
            "bad email",
            "teams:\n  ops: {email: [ops-at-example]}\n",
            2,
            "teams.ops.email[0]",
            "was 'ops-at-example' but it must be an email address"),
        // escalation, notices, alerting
        error(
            "escalation notifies a channel the team lacks",
            "teams:\n  ops:\n    email: [o@shop.example]\n    escalation:\n      steps:\n"
                + "        - { after: 0m, notify: [pagerduty] }\n",
            6,
            "teams.ops.escalation.steps[0].notify[0]",
            "was 'pagerduty' but the team has no such channel; it has email"),
        error(
            "escalation step that notifies nobody",
            "teams:\n  ops:\n    email: [o@shop.example]\n    escalation:\n      steps:\n"
                + "        - { after: 0m, notify: [] }\n",
            6,
            "teams.ops.escalation.steps[0].notify",
            "but it must be at least one of the team's channel kinds (email), e.g. [email]"),
        error(
            "escalation step that notifies a channel twice",
            "teams:\n  ops:\n    email: [o@shop.example]\n    escalation:\n      steps:\n"
                + "        - { after: 0m, notify: [email, email] }\n",
            6,
            "teams.ops.escalation.steps[0].notify[1]",
            "was 'email', which is already listed"),
        error(
            "escalation steps out of order",
            "teams:\n  ops:\n    email: [o@shop.example]\n    escalation:\n      steps:\n"
                + "        - { after: 10m, notify: [email] }\n"
                + "        - { after: 5m, notify: [email] }\n",
            7,
            "teams.ops.escalation.steps[1].after",
            "later than the step before it (10m)"),
        error(
            "escalation repeats too often",
            "teams:\n  ops:\n    email: [o@shop.example]\n    escalation:\n      steps:\n"
                + "        - { notify: email }\n      repeat: 10s\n",
            7,
            "teams.ops.escalation.repeat",
            "at least 1m"),
        error(
            "bad notice mode",
            "teams:\n  ops:\n    email: [o@shop.example]\n    notices: { upstream: shout }\n",
            4,
            "teams.ops.notices.upstream",
            "was 'shout' but it must be notice or page"),
        error(
            "unknown operators team",
            "settings:\n  alerting: { operators: opps }\n",
            2,
            "settings.alerting.operators",
            "was 'opps' but no team has that id"),
        // warnings
        warning(
            "service without checks",
            "services:\n  lonely: {tier: important, owners: [payments]}\n",
            2,
            "services.lonely",
            "has no checks, so its availability is never measured"),
        warning(
            "service without owners",
            "services:\n  orphan: {tier: important}\n"
                + check("    http: {get: \"${shop}/x\"}\n").replace("checkout", "orphan"),
            2,
            "services.orphan",
            "has no owners, so nobody is paged when it fails"),
        warning(
            "insecure",
            check("    options: {insecure: true}\n    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].options.insecure",
            "is true: TLS certificates are not verified"),
        warning(
            "a redirect's status while redirects are followed",
            check("    http:\n      get: \"${shop}/old\"\n      expect: [status == 301]\n"),
            6,
            "checks[0].http.expect[0]",
            "'status == 301' holds only for a redirect, but redirects are followed and the final"
                + " response is judged; set options.follow-redirects: false"),
        warning(
            "max-redirects without following",
            check(
                "    options: {follow-redirects: false, max-redirects: 3}\n"
                    + "    http: {get: \"${shop}/x\"}\n"),
            4,
            "checks[0].options.max-redirects",
            "is ignored because follow-redirects is false"),
        warning(
            "unset env secret",
            check(
                "    http: {get: \"${shop}/x\", headers: {X-Key: \"${env:NINES_TEST_UNSET}\"}}\n"),
            4,
            "checks[0].http.headers.X-Key",
            "refers to ${env:NINES_TEST_UNSET}, which is not set in this environment"),
        warning(
            "missing secret file",
            check("    http: {get: \"${shop}/x\", headers: {X-Key: \"${file:/nonexistent/k}\"}}\n"),
            4,
            "checks[0].http.headers.X-Key",
            "refers to ${file:/nonexistent/k}, which does not exist or can't be read here"),
        warning(
            "routing key in clear",
            "teams:\n  ops:\n    pagerduty: {routing-key: abc123}\n",
            3,
            "teams.ops.pagerduty.routing-key",
            "is written in the file in clear"),
        warning(
            "team without channels",
            "teams:\n  quiet: {name: Quiet}\n",
            2,
            "teams.quiet",
            "has no channels"),
        warning(
            "extract in an http check",
            check("    http: {get: \"${shop}/x\", extract: {t: \"$.t\"}}\n"),
            4,
            "checks[0].http.extract",
            "is ignored: an http check has one request"));
  }

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void whenAFileHasTheProblem_thenTheLoaderReportsItWithItsPlace(Case c) throws IOException {
    Files.writeString(dir.resolve("base.yaml"), BASE);
    Files.writeString(dir.resolve("case.yaml"), c.yaml());
    List<Problem> problems = problems(dir);

    assertThat(problems)
        .as(FleetLoader.formatProblems(problems))
        .anySatisfy(
            p -> {
              assertThat(p.severity()).isEqualTo(c.severity());
              assertThat(p.file()).isEqualTo("case.yaml");
              assertThat(p.path()).isEqualTo(c.path());
              assertThat(p.message()).contains(c.message());
              assertThat(p.line()).isEqualTo(c.line());
            });
    long errors = problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
    assertThat(errors)
        .as("one problem, one error: " + FleetLoader.formatProblems(problems))
        .isEqualTo(c.errors());
  }

  static List<Problem> problems(Path dir) {
    FleetLoader loader =
        new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of());
    try {
      return loader.load(dir).warnings();
    } catch (ConfigException e) {
      return e.problems();
    }
  }

  static ConfigException failure(FleetLoader loader, Path dir) {
    return catchThrowableOfType(ConfigException.class, () -> loader.load(dir));
  }
}
