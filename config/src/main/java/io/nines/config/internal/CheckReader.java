package io.nines.config.internal;

import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.DownWhen;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Reads one entry of {@code checks:} into a {@link Check}, reporting every problem. */
final class CheckReader {
  static final List<String> TYPES =
      List.of("http", "journey", "tcp", "dns", "tls", "grpc", "websocket", "browser");
  static final List<String> CHECK_KEYS =
      List.of(
          "id",
          "service",
          "every",
          "timeout",
          "locations",
          "down-when",
          "retries",
          "options",
          "http",
          "journey",
          "tcp",
          "dns",
          "tls",
          "grpc",
          "websocket",
          "browser");
  static final Duration DEFAULT_EVERY = Duration.ofSeconds(60);
  static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MAX_DEFAULT_BROWSER_TIMEOUT = Duration.ofSeconds(30);
  static final Duration MIN_EVERY = Duration.ofSeconds(1);

  private static final Pattern DOWN_WHEN = Pattern.compile("([0-9]+) of ([0-9]+) locations? fail");

  private final LoadContext ctx;
  private final HttpOptionsReader httpOptions;
  private final RequestReader requests;
  private final JourneyReader journeys;
  private final NetworkCheckReader network;
  private final ProtocolCheckReader protocols;
  private final BrowserReader browser;

  CheckReader(LoadContext ctx) {
    this.ctx = ctx;
    this.httpOptions = new HttpOptionsReader(ctx);
    this.requests = new RequestReader(ctx);
    this.journeys = new JourneyReader(requests);
    this.network = new NetworkCheckReader(ctx);
    this.protocols = new ProtocolCheckReader(ctx);
    this.browser = new BrowserReader(ctx);
  }

  /**
   * Reads one check.
   *
   * @return the check, or null when it is too broken to build (problems were reported)
   */
  Check read(At at) {
    Fields f = at.fields(CHECK_KEYS);
    if (f == null) {
      return null;
    }
    At idAt = f.require("id", "a unique id such as shop-home");
    String id = idAt == null ? null : idAt.id();
    At serviceAt = f.require("service", "the id of the service it measures");
    String service = serviceAt == null ? null : serviceAt.id();
    if (service != null && !ctx.serviceIds.contains(service)) {
      LoadContext.unknown(serviceAt, "service", "services", service, ctx.serviceIds);
    }

    Duration every = DEFAULT_EVERY;
    if (f.has("every")) {
      Duration d = f.get("every").duration();
      if (d != null && d.compareTo(MIN_EVERY) < 0) {
        f.get("every").mustBe("at least 1s");
      } else if (d != null) {
        every = d;
      }
    }
    // A browser starts, renders and runs scripts: its run gets more time by default.
    Duration timeout =
        min(
            f.has("browser") ? MAX_DEFAULT_BROWSER_TIMEOUT : MAX_DEFAULT_TIMEOUT,
            every.dividedBy(2));
    if (f.has("timeout")) {
      At t = f.get("timeout");
      Duration d = t.duration();
      if (d != null && (d.isZero() || d.compareTo(every) >= 0)) {
        t.mustBe("above 0 and less than every (" + Units.formatDuration(every) + ")");
      } else if (d != null) {
        timeout = d;
      }
    }

    List<String> locations = locations(f, at);
    DownWhen downWhen = DownWhen.MAJORITY;
    if (f.has("down-when")) {
      downWhen = downWhen(f.get("down-when"), locations);
    }
    int retries = 0;
    if (f.has("retries")) {
      Integer r = f.get("retries").integer(0, 5);
      retries = r == null ? 0 : r;
    }

    List<String> types = TYPES.stream().filter(f::has).toList();
    if (types.isEmpty()) {
      at.error(
          "has no check type; add exactly one of http, journey, tcp, dns, tls, grpc, websocket or"
              + " browser (e.g. http: {get: https://shop.example/health})");
    } else if (types.size() > 1) {
      f.owner()
          .keyAt(types.get(1))
          .error(
              "is a second check type besides '"
                  + types.get(0)
                  + "'; a check has exactly one of http, journey, tcp, dns, tls, grpc, websocket"
                  + " or browser, so split it");
    }
    String type = types.isEmpty() ? null : types.get(0);
    HttpOptions options = HttpOptions.DEFAULTS;
    if (f.has("options")) {
      if ("http".equals(type) || "journey".equals(type)) {
        options = httpOptions.read(f.get("options"));
      } else {
        f.owner()
            .keyAt("options")
            .error(
                "applies only to http and journey checks"
                    + (type == null ? "" : ", and this is a " + type + " check"));
      }
    }
    CheckSpec spec =
        type == null
            ? null
            : type.equals("browser")
                ? browser.read(f.get(type), timeout)
                : spec(type, f.get(type), options);
    if (id == null || service == null || spec == null) {
      return null;
    }
    return new Check(id, service, every, timeout, locations, downWhen, retries, spec);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private List<String> locations(Fields f, At check) {
    if (!f.has("locations")) {
      if (ctx.locations.isEmpty()) {
        check.error(
            "runs from no location: declare locations: [eu-west, ...] at the top level of a file,"
                + " or list them on the check");
      }
      return ctx.locations;
    }
    At at = f.get("locations");
    List<String> out = new ArrayList<>();
    Map<String, At> seen = new HashMap<>();
    for (At item : at.items()) {
      String loc = item.id();
      if (loc == null) {
        continue;
      }
      if (!ctx.locations.contains(loc)) {
        LoadContext.unknown(
            item, "declared location", "locations", loc, new LinkedHashSet<>(ctx.locations));
      } else if (seen.containsKey(loc)) {
        item.error("was '" + loc + "', which is already listed at line " + seen.get(loc).line());
      } else {
        seen.put(loc, item);
        out.add(loc);
      }
    }
    if (at.isSequence() && ((SequenceNode) at.node()).getValue().isEmpty()) {
      at.mustBe("a list of at least one location");
    }
    return out;
  }

  private DownWhen downWhen(At at, List<String> locations) {
    String s = at.string();
    if (s == null) {
      return DownWhen.MAJORITY;
    }
    if (s.equals("majority")) {
      return DownWhen.MAJORITY;
    }
    Matcher m = DOWN_WHEN.matcher(s);
    int n = locations.size();
    if (!m.matches()) {
      at.mustBe(
          "'majority' or 'K of N locations fail' with N the number of locations, e.g. '"
              + Math.max(1, n / 2 + 1)
              + " of "
              + Math.max(1, n)
              + " locations fail'");
      return DownWhen.MAJORITY;
    }
    long k = Long.parseLong(m.group(1).length() > 9 ? "999999999" : m.group(1));
    long written = Long.parseLong(m.group(2).length() > 9 ? "999999999" : m.group(2));
    if (written != n) {
      at.error(
          "was '"
              + s
              + "' but the check runs from "
              + n
              + (n == 1 ? " location" : " locations")
              + " ("
              + String.join(", ", locations)
              + "), so N must be "
              + n);
      return DownWhen.MAJORITY;
    }
    if (k < 1 || k > n) {
      at.mustBe("'K of " + n + " locations fail' with K from 1 to " + n);
      return DownWhen.MAJORITY;
    }
    return new DownWhen((int) k);
  }

  private CheckSpec spec(String type, At at, HttpOptions options) {
    return switch (type) {
      case "http" -> {
        Request r = requests.request(at, "http", "request", LoadContext.Scope.FLEET, false);
        RequestReader.warnRedirectOnlyStatus(at, options);
        yield r == null ? null : new CheckSpec.Http(r, options);
      }
      case "journey" -> journeys.read(at, options);
      case "tcp" -> network.tcp(at);
      case "dns" -> network.dns(at);
      case "grpc" -> protocols.grpc(at);
      case "websocket" -> protocols.websocket(at);
      default -> network.tls(at);
    };
  }
}
