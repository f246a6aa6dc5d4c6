package io.nines.config.internal;

import io.nines.config.BrowserStep;
import io.nines.config.Channel;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.DownWhen;
import io.nines.config.HttpOptions;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Request;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Team;
import io.nines.config.Template;
import io.nines.config.Tier;
import io.nines.config.assertion.Assertion;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Prints fleet entities as ordered {@code field -> value} maps, in the configuration's own words
 * ({@code every -> 30s}, {@code http.url -> ${shop}/health}), so that two versions can be compared
 * field by field. Secrets print as their references; absent optional fields are left out.
 */
public final class Flatten {
  private Flatten() {}

  public static Map<String, String> check(Check c) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("service", c.service());
    m.put("type", c.type());
    m.put("every", Units.formatDuration(c.every()));
    m.put("timeout", Units.formatDuration(c.timeout()));
    m.put("locations", list(c.locations()));
    m.put("down-when", c.downWhen().print(c.locations().size()));
    m.put("retries", Integer.toString(c.retries()));
    CheckSpec spec = c.spec();
    if (spec instanceof CheckSpec.Http h) {
      request(m, "http.", h.request(), true);
      options(m, h.options());
    } else if (spec instanceof CheckSpec.Journey j) {
      m.put("journey.steps", list(j.steps().stream().map(Request::name).toList()));
      for (Request r : j.steps()) {
        request(m, "journey." + r.name() + ".", r, false);
      }
      options(m, j.options());
    } else if (spec instanceof CheckSpec.Tcp t) {
      m.put("tcp.host", t.host());
      m.put("tcp.port", Integer.toString(t.port()));
      putIf(m, "tcp.send", t.send() == null ? null : t.send().source());
      putIf(m, "tcp.expect", assertions(t.expect()));
    } else if (spec instanceof CheckSpec.Dns d) {
      m.put("dns.name", d.name());
      m.put("dns.type", d.recordType());
      putIf(m, "dns.server", d.server());
      putIf(m, "dns.expect", assertions(d.expect()));
    } else if (spec instanceof CheckSpec.Tls t) {
      m.put("tls.host", t.host());
      m.put("tls.port", Integer.toString(t.port()));
      putIf(m, "tls.server-name", t.serverName());
      putIf(m, "tls.ca-file", t.caFile());
      putIf(m, "tls.expect", assertions(t.expect()));
    } else if (spec instanceof CheckSpec.Grpc g) {
      m.put(
          "grpc.target",
          (g.host().contains(":") ? "[" + g.host() + "]" : g.host()) + ":" + g.port());
      m.put("grpc.service", g.service());
      m.put("grpc.tls", Boolean.toString(g.tls()));
      m.put("grpc.insecure", Boolean.toString(g.insecure()));
      putIf(m, "grpc.ca-file", g.caFile());
      new TreeMap<>(g.metadata()).forEach((k, v) -> m.put("grpc.metadata." + k, v.source()));
    } else if (spec instanceof CheckSpec.WebSocket w) {
      m.put("websocket.url", w.url().source());
      new TreeMap<>(w.headers()).forEach((k, v) -> m.put("websocket.headers." + k, v.source()));
      putIf(m, "websocket.send", w.send() == null ? null : w.send().source());
      putIf(m, "websocket.expect", assertions(w.expect()));
      m.put("websocket.insecure", Boolean.toString(w.insecure()));
      putIf(m, "websocket.ca-file", w.caFile());
    } else if (spec instanceof CheckSpec.Browser b) {
      m.put("browser.step-timeout", Units.formatDuration(b.stepTimeout()));
      m.put("browser.viewport", b.viewportWidth() + "x" + b.viewportHeight());
      m.put("browser.steps", list(b.steps().stream().map(BrowserStep::name).toList()));
      for (BrowserStep step : b.steps()) {
        m.put("browser." + step.name(), BrowserReader.print(step));
      }
      putIf(m, "browser.expect", assertions(b.expect()));
    }
    return m;
  }

  private static void request(Map<String, String> m, String p, Request r, boolean http) {
    if (http && !r.name().equals("request")) {
      m.put(p + "name", r.name());
    }
    m.put(p + "method", r.method());
    m.put(p + "url", r.url().source());
    new TreeMap<>(r.headers()).forEach((k, v) -> m.put(p + "headers." + k, v.source()));
    Request.Body b = r.body();
    if (b instanceof Request.RawBody raw) {
      m.put(p + "body", raw.text().source());
      m.put(p + "content-type", raw.contentType());
    } else if (b instanceof Request.JsonBody json) {
      m.put(p + "json", json(json.tree()));
    } else if (b instanceof Request.FormBody form) {
      m.put(
          p + "form",
          new TreeMap<>(form.fields())
              .entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue().source())
                  .collect(Collectors.joining(", ", "{", "}")));
    }
    putIf(m, p + "expect", assertions(r.expect()));
    if (!r.extract().isEmpty()) {
      m.put(
          p + "extract",
          r.extract().stream()
              .map(x -> x.variable() + "=" + extraction(x))
              .collect(Collectors.joining(", ", "{", "}")));
    }
  }

  private static String extraction(Request.Extraction x) {
    return switch (x.from()) {
      case JSON -> x.expression();
      case HEADER -> "header:" + x.expression();
      case REGEX -> "regex:" + x.expression();
    };
  }

  private static void options(Map<String, String> m, HttpOptions o) {
    m.put("options.follow-redirects", Boolean.toString(o.followRedirects()));
    m.put("options.max-redirects", Integer.toString(o.maxRedirects()));
    m.put("options.insecure", Boolean.toString(o.insecure()));
    putIf(m, "options.ca-file", o.caFile());
    m.put("options.keep-alive", Boolean.toString(o.keepAlive()));
    m.put("options.max-body", Units.formatSize(o.maxBodyBytes()));
  }

  public static Map<String, String> service(Service s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", s.name());
    m.put("tier", s.tier().configName());
    m.put("target", percent(s.targetPercent()));
    m.put("owners", list(s.owners()));
    m.put("depends-on", list(s.dependsOn()));
    putIf(m, "runbook", s.runbook());
    if (!s.downWhen().equals(DownWhen.ANY)) {
      m.put("down-when", s.downWhen().printForService());
    }
    putIf(m, "page-after", s.pageAfter() == null ? null : s.pageAfter().toString());
    return m;
  }

  public static Map<String, String> team(Team t) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", t.name());
    for (Channel c : t.channels()) {
      if (c instanceof Channel.Email e) {
        m.put("email", list(e.to()));
      } else if (c instanceof Channel.PagerDuty pd) {
        m.put("pagerduty.routing-key", pd.routingKey().source());
        putIf(m, "pagerduty.url", pd.url());
      } else if (c instanceof Channel.Webhook w) {
        m.put("webhook.url", w.url().source());
        putIf(m, "webhook.secret", w.secret() == null ? null : w.secret().source());
      } else if (c instanceof Channel.Slack s) {
        m.put("slack.url", s.url().source());
      } else if (c instanceof Channel.Alertmanager am) {
        m.put("alertmanager.url", am.url().source());
      }
    }
    return m;
  }

  public static Map<String, String> maintenance(MaintenanceWindow w) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("services", list(w.services()));
    m.put("schedule", schedule(w.schedule()));
    putIf(m, "reason", w.reason().isEmpty() ? null : w.reason());
    return m;
  }

  /** {@code every SUN 02:00 for 2h (UTC)} or {@code from 2026-05-01T02:00:00Z to ...}. */
  public static String schedule(MaintenanceWindow.Schedule s) {
    if (s instanceof MaintenanceWindow.Weekly w) {
      return "every "
          + w.day().name().substring(0, 3)
          + " "
          + w.at()
          + " for "
          + Units.formatDuration(w.length())
          + " ("
          + w.zone().getId()
          + ")";
    }
    MaintenanceWindow.Once o = (MaintenanceWindow.Once) s;
    return "from " + o.start() + " to " + o.end();
  }

  public static Map<String, String> settings(Settings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("retention.raw", Units.formatDuration(s.retentionRaw()));
    m.put("retention.rollup", Units.formatDuration(s.retentionRollup()));
    for (Tier t : Tier.values()) {
      m.put("tiers." + t.configName(), percent(s.tierTargets().get(t)));
    }
    m.put("alerting.page-after", s.alerting().pageAfter().toString());
    m.put("unknown", s.unknown().configName());
    return m;
  }

  /** {@code 99.95}, without trailing zeros. */
  public static String percent(double p) {
    return BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
  }

  private static String list(List<String> items) {
    return "[" + String.join(", ", items) + "]";
  }

  private static String assertions(List<Assertion> expect) {
    return expect.isEmpty()
        ? null
        : expect.stream().map(Assertion::print).collect(Collectors.joining(", ", "[", "]"));
  }

  private static void putIf(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /** A JSON body as compact JSON; templates print as written. */
  static String json(Object tree) {
    StringBuilder sb = new StringBuilder();
    json(sb, tree);
    return sb.toString();
  }

  private static void json(StringBuilder sb, Object v) {
    if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        string(sb, String.valueOf(e.getKey()));
        sb.append(':');
        json(sb, e.getValue());
      }
      sb.append('}');
    } else if (v instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        json(sb, list.get(i));
      }
      sb.append(']');
    } else if (v instanceof Template t) {
      string(sb, t.source());
    } else if (v instanceof String s) {
      string(sb, s);
    } else {
      sb.append(v);
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    sb.append('"');
  }
}
