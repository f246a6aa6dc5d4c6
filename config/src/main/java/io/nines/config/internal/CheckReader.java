package io.nines.config.internal;

import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.DownWhen;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.AssertionParser;
import io.nines.config.assertion.AssertionSyntaxException;
import io.nines.config.assertion.Evaluator;
import io.nines.config.assertion.JsonPath;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Subject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads one entry of {@code checks:} into a {@link Check}, reporting every problem. */
final class CheckReader {
  static final List<String> TYPES = List.of("http", "journey", "tcp", "dns", "tls");
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
          "tls");
  static final List<String> METHODS =
      List.of("get", "post", "put", "patch", "delete", "head", "options");
  static final List<String> REQUEST_KEYS =
      List.of(
          "name",
          "get",
          "post",
          "put",
          "patch",
          "delete",
          "head",
          "options",
          "headers",
          "body",
          "json",
          "form",
          "content-type",
          "expect",
          "extract");
  static final List<String> OPTIONS_KEYS =
      List.of("follow-redirects", "max-redirects", "insecure", "ca-file", "keep-alive", "max-body");
  static final List<String> TCP_KEYS = List.of("host", "port", "send", "expect");
  static final List<String> DNS_KEYS = List.of("name", "type", "server", "expect");
  static final List<String> TLS_KEYS = List.of("host", "port", "server-name", "ca-file", "expect");
  static final List<String> DNS_TYPES = List.of("A", "AAAA", "CNAME", "MX", "TXT");

  static final Duration DEFAULT_EVERY = Duration.ofSeconds(60);
  static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration MIN_EVERY = Duration.ofSeconds(1);
  static final long MAX_BODY_LIMIT = 1024L * 1024 * 1024;

  private static final Pattern DOWN_WHEN = Pattern.compile("([0-9]+) of ([0-9]+) locations? fail");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+");
  private static final Map<String, String> REQUEST_HINTS =
      Map.of(
          "url", "the method is the key: write get: <url> (or post:, put:, ...)",
          "method", "the method is the key: write get: <url> (or post:, put:, ...)");

  private final LoadContext ctx;

  CheckReader(LoadContext ctx) {
    this.ctx = ctx;
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
    Duration timeout = min(MAX_DEFAULT_TIMEOUT, every.dividedBy(2));
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
          "has no check type; add exactly one of http, journey, tcp, dns or tls (e.g. http: {get:"
              + " https://shop.example/health})");
    } else if (types.size() > 1) {
      f.owner()
          .keyAt(types.get(1))
          .error(
              "is a second check type besides '"
                  + types.get(0)
                  + "'; a check has exactly one of http, journey, tcp, dns or tls, so split it");
    }
    String type = types.isEmpty() ? null : types.get(0);
    HttpOptions options = HttpOptions.DEFAULTS;
    if (f.has("options")) {
      if ("http".equals(type) || "journey".equals(type)) {
        options = options(f.get("options"));
      } else {
        f.owner()
            .keyAt("options")
            .error(
                "applies only to http and journey checks"
                    + (type == null ? "" : ", and this is a " + type + " check"));
      }
    }
    CheckSpec spec = type == null ? null : spec(type, f.get(type), options);
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

  private HttpOptions options(At at) {
    Fields f = at.fields(OPTIONS_KEYS);
    HttpOptions d = HttpOptions.DEFAULTS;
    if (f == null) {
      return d;
    }
    boolean followRedirects = d.followRedirects();
    if (f.has("follow-redirects")) {
      Boolean v = f.get("follow-redirects").bool();
      followRedirects = v == null ? followRedirects : v;
    }
    int maxRedirects = d.maxRedirects();
    if (f.has("max-redirects")) {
      Integer v = f.get("max-redirects").integer(0, 20);
      maxRedirects = v == null ? maxRedirects : v;
      if (!followRedirects) {
        f.get("max-redirects")
            .warning(
                "is ignored because follow-redirects is false: the check judges the redirect"
                    + " itself; remove one of them");
      }
    }
    boolean insecure = d.insecure();
    if (f.has("insecure")) {
      Boolean v = f.get("insecure").bool();
      insecure = v != null && v;
      if (insecure) {
        f.get("insecure")
            .warning(
                "is true: TLS certificates are not verified, so an expired or forged certificate"
                    + " goes unnoticed; prefer ca-file for private CAs");
      }
    }
    String caFile = d.caFile();
    if (f.has("ca-file")) {
      caFile = file(f.get("ca-file"));
    }
    boolean keepAlive = d.keepAlive();
    if (f.has("keep-alive")) {
      Boolean v = f.get("keep-alive").bool();
      keepAlive = v != null && v;
    }
    long maxBody = d.maxBodyBytes();
    if (f.has("max-body")) {
      At m = f.get("max-body");
      long bytes = m.isNull() || m.isMapping() || m.isSequence() ? -1 : Units.parseSize(m.scalar());
      if (bytes < 1 || bytes > MAX_BODY_LIMIT) {
        m.mustBe("a size from 1 byte to 1GiB, such as 1MiB, 512KiB or 65536");
      } else {
        maxBody = bytes;
      }
    }
    return new HttpOptions(followRedirects, maxRedirects, insecure, caFile, keepAlive, maxBody);
  }

  /** An absolute path to a file the agent reads; a missing one is a warning. */
  private String file(At at) {
    String path = ctx.plain(at);
    if (path == null) {
      return null;
    }
    if (!path.startsWith("/")) {
      at.mustBe("an absolute path such as /etc/nines/ca.pem");
      return null;
    }
    if (!Files.isReadable(Path.of(path))) {
      at.warning(
          "names " + path + ", which does not exist here; it must exist wherever the check runs");
    }
    return path;
  }

  /**
   * Warns about a status assertion that only a redirect could satisfy (such as {@code status ==
   * 301}) while redirects are followed: the final response is judged, so it could never hold.
   * Before redirects were followed regardless of assertions, such a check judged the 3xx itself.
   */
  private static void warnRedirectOnlyStatus(At request, HttpOptions options) {
    At expect = options.followRedirects() ? valueAt(request, "expect") : null;
    if (expect == null || !expect.isSequence()) {
      return;
    }
    for (At item : expect.items()) {
      String text = item.scalar();
      Assertion a;
      try {
        a = text == null ? null : AssertionParser.parse(text);
      } catch (AssertionSyntaxException e) {
        continue; // reported where the assertions are read
      }
      if (a == null || !(a.subject() instanceof Subject.Status)) {
        continue;
      }
      boolean holdsForARedirect = false;
      boolean holdsOtherwise = false;
      for (int status = 100; status <= 599; status++) {
        int code = status;
        if (Evaluator.evaluate(
                a,
                new Observation() {
                  @Override
                  public Integer status() {
                    return code;
                  }
                })
            .ok()) {
          boolean redirect =
              code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
          holdsForARedirect |= redirect;
          holdsOtherwise |= !redirect;
        }
      }
      if (holdsForARedirect && !holdsOtherwise) {
        item.warning(
            "'"
                + text
                + "' holds only for a redirect, but redirects are followed and the final response"
                + " is judged; set options.follow-redirects: false to judge the redirect itself");
      }
    }
  }

  /** The value of {@code key} in a mapping, or null; reports nothing (the fields were read). */
  private static At valueAt(At mapping, String key) {
    if (mapping.node() instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && key.equals(k.getValue())) {
          return mapping.key(key, t.getValueNode());
        }
      }
    }
    return null;
  }

  private CheckSpec spec(String type, At at, HttpOptions options) {
    return switch (type) {
      case "http" -> {
        Request r = request(at, "http", "request", LoadContext.Scope.FLEET, false);
        warnRedirectOnlyStatus(at, options);
        yield r == null ? null : new CheckSpec.Http(r, options);
      }
      case "journey" -> journey(at, options);
      case "tcp" -> tcp(at);
      case "dns" -> dns(at);
      default -> tls(at);
    };
  }

  private CheckSpec journey(At at, HttpOptions options) {
    if (!(at.node() instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      at.mustBe("a list of at least one step, each a request with a name");
      return null;
    }
    List<At> items = at.items();
    // Which step extracts what, so that a use before the extraction gets a precise message.
    List<Set<String>> extractedBy = new ArrayList<>();
    List<String> stepNames = new ArrayList<>();
    for (At item : items) {
      extractedBy.add(extractionNames(item));
      stepNames.add(stepName(item));
    }
    List<Request> steps = new ArrayList<>();
    Map<String, At> names = new HashMap<>();
    Set<String> extracted = new HashSet<>();
    boolean broken = false;
    for (int i = 0; i < items.size(); i++) {
      Map<String, String> later = new HashMap<>();
      for (int j = items.size() - 1; j >= i; j--) {
        for (String v : extractedBy.get(j)) {
          later.put(v, stepNames.get(j) == null ? "#" + (j + 1) : stepNames.get(j));
        }
      }
      later.keySet().removeAll(extracted);
      At item = items.get(i);
      Request r =
          request(item, "journey", null, new LoadContext.Scope(Set.copyOf(extracted), later), true);
      warnRedirectOnlyStatus(item, options);
      extracted.addAll(extractedBy.get(i));
      if (r == null) {
        broken = true;
        continue;
      }
      At previous = names.putIfAbsent(r.name(), item);
      if (previous != null) {
        item.error(
            "is named '"
                + r.name()
                + "', like the step at line "
                + previous.line()
                + "; step names must be unique within a journey");
      }
      steps.add(r);
    }
    return broken ? null : new CheckSpec.Journey(steps, options);
  }

  private static Set<String> extractionNames(At item) {
    Set<String> out = new LinkedHashSet<>();
    if (item.node() instanceof MappingNode m) {
      m.getValue().stream()
          .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("extract"))
          .map(t -> t.getValueNode())
          .filter(v -> v instanceof MappingNode)
          .flatMap(v -> ((MappingNode) v).getValue().stream())
          .map(t -> t.getKeyNode())
          .filter(k -> k instanceof ScalarNode)
          .forEach(k -> out.add(((ScalarNode) k).getValue()));
    }
    return out;
  }

  private static String stepName(At item) {
    if (item.node() instanceof MappingNode m) {
      for (var t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals("name")
            && t.getValueNode() instanceof ScalarNode v) {
          return v.getValue();
        }
      }
    }
    return null;
  }

  /**
   * Reads a request.
   *
   * @param defaultName the name when none is written; null when a name is required
   * @param allowExtract whether later steps can use extracted values (journeys)
   */
  private Request request(
      At at, String checkType, String defaultName, LoadContext.Scope scope, boolean allowExtract) {
    Fields f = at.fields(REQUEST_KEYS, REQUEST_HINTS);
    if (f == null) {
      return null;
    }
    String name = defaultName;
    if (defaultName == null) {
      At n = f.require("name", "the step's name, unique within the journey, e.g. login");
      name = n == null ? null : n.string();
    } else if (f.has("name")) {
      name = f.get("name").string();
    }

    List<String> methods = METHODS.stream().filter(f::has).toList();
    String method = null;
    Template url = null;
    if (methods.isEmpty()) {
      at.error(
          "has no method and URL; write one of get, post, put, patch, delete, head or options"
              + " with the URL, e.g. get: https://shop.example/health");
    } else {
      if (methods.size() > 1) {
        f.owner()
            .keyAt(methods.get(1))
            .error(
                "is a second method besides '"
                    + methods.get(0)
                    + "'; a request has exactly one method");
      }
      method = methods.get(0).toUpperCase(Locale.ROOT);
      At urlAt = f.get(methods.get(0));
      url = ctx.template(urlAt, scope, true);
      ctx.checkUrl(urlAt, url);
    }

    Map<String, Template> headers = new LinkedHashMap<>();
    if (f.has("headers")) {
      Map<String, String> lower = new HashMap<>();
      for (Map.Entry<String, At> e : f.get("headers").entries().entrySet()) {
        String h = e.getKey();
        At v = e.getValue();
        if (!HEADER_NAME.matcher(h).matches()) {
          v.error("is not a valid header name (letters, digits and !#$%&'*+.^_`|~-)");
          continue;
        }
        String clash = lower.putIfAbsent(h.toLowerCase(Locale.ROOT), h);
        if (clash != null) {
          v.error("repeats header '" + clash + "'; header names are case-insensitive");
          continue;
        }
        Template t = ctx.template(v, scope, true);
        if (t != null) {
          headers.put(h, t);
        }
      }
    }

    Request.Body body = body(f, method, scope);
    List<Assertion> expect =
        f.has("expect") ? Assertions.list(f.get("expect"), checkType) : List.of();
    List<Request.Extraction> extract = List.of();
    if (f.has("extract")) {
      extract = extractions(f.get("extract"));
      if (!allowExtract && !extract.isEmpty()) {
        f.owner()
            .keyAt("extract")
            .warning("is ignored: an http check has one request, so no later step can use it");
        extract = List.of();
      }
    }
    if (name == null || method == null || url == null) {
      return null;
    }
    return new Request(name, method, url, headers, body, expect, extract);
  }

  private Request.Body body(Fields f, String method, LoadContext.Scope scope) {
    List<String> kinds = List.of("body", "json", "form").stream().filter(f::has).toList();
    if (f.has("content-type") && !f.has("body")) {
      f.owner()
          .keyAt("content-type")
          .error(
              "goes with body: only; json: is sent as application/json and form: as"
                  + " application/x-www-form-urlencoded (set headers: to override)");
    }
    if (kinds.isEmpty()) {
      return null;
    }
    if (kinds.size() > 1) {
      f.owner()
          .keyAt(kinds.get(1))
          .error("is a second body besides '" + kinds.get(0) + "'; write one of body, json, form");
    }
    if ("HEAD".equals(method) || "GET".equals(method)) {
      f.owner()
          .keyAt(kinds.get(0))
          .error("is a body, but a " + method + " request has none; use post, put or patch");
    }
    At at = f.get(kinds.get(0));
    switch (kinds.get(0)) {
      case "body" -> {
        Template text = ctx.template(at, scope, true);
        String contentType = "text/plain";
        if (f.has("content-type")) {
          String ct = f.get("content-type").string();
          if (ct != null && !ct.contains("/")) {
            f.get("content-type").mustBe("a media type such as text/plain or application/xml");
          } else if (ct != null) {
            contentType = ct;
          }
        }
        return text == null ? null : new Request.RawBody(text, contentType);
      }
      case "json" -> {
        return new Request.JsonBody(json(at, scope));
      }
      default -> {
        Map<String, Template> fields = new LinkedHashMap<>();
        for (Map.Entry<String, At> e : at.entries().entrySet()) {
          Template t = ctx.template(e.getValue(), scope, true);
          if (t != null) {
            fields.put(e.getKey(), t);
          }
        }
        return new Request.FormBody(fields);
      }
    }
  }

  /** A JSON tree: strings become templates, numbers Long/Double, and so on. */
  private Object json(At at, LoadContext.Scope scope) {
    if (at.node() instanceof MappingNode) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, At> e : at.entries().entrySet()) {
        out.put(e.getKey(), json(e.getValue(), scope));
      }
      return Collections.unmodifiableMap(out);
    }
    if (at.node() instanceof SequenceNode) {
      List<Object> out = new ArrayList<>();
      for (At item : at.items()) {
        out.add(json(item, scope));
      }
      return Collections.unmodifiableList(out);
    }
    Tag tag = at.node().getTag();
    String v = at.scalar();
    if (Tag.NULL.equals(tag)) {
      return null;
    }
    if (Tag.BOOL.equals(tag)) {
      return Boolean.parseBoolean(v);
    }
    if (Tag.INT.equals(tag)) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        return new java.math.BigInteger(v);
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      return Double.parseDouble(v);
    }
    return ctx.template(at, scope, true);
  }

  private List<Request.Extraction> extractions(At at) {
    List<Request.Extraction> out = new ArrayList<>();
    for (Map.Entry<String, At> e : at.entries().entrySet()) {
      String var = e.getKey();
      At v = e.getValue();
      if (!Templates.VAR_NAME.matcher(var).matches()) {
        v.error(
            "extracts into '"
                + var
                + "', which is not a variable name (letters, digits, '_' and '-', starting with a"
                + " letter or '_')");
        continue;
      }
      if (ctx.vars.containsKey(var)) {
        v.error(
            "extracts into '"
                + var
                + "', which is also defined under vars:; choose another name so that ${"
                + var
                + "} means one thing");
        continue;
      }
      String s = v.string();
      if (s == null) {
        continue;
      }
      Request.Extraction x = extraction(v, var, s);
      if (x != null) {
        out.add(x);
      }
    }
    return out;
  }

  private static Request.Extraction extraction(At at, String var, String s) {
    if (s.startsWith("$")) {
      try {
        JsonPath.parse(s);
      } catch (AssertionSyntaxException e) {
        at.error(
            "was '"
                + s
                + "', which is not a JSONPath: at column "
                + e.column()
                + ": "
                + e.getMessage());
        return null;
      }
      return new Request.Extraction(var, Request.Extraction.From.JSON, s);
    }
    if (s.startsWith("header:")) {
      String h = s.substring("header:".length()).trim();
      if (!HEADER_NAME.matcher(h).matches()) {
        at.mustBe("header:NAME with a valid header name, e.g. header:X-Token");
        return null;
      }
      return new Request.Extraction(var, Request.Extraction.From.HEADER, h);
    }
    if (s.startsWith("regex:")) {
      String re = s.substring("regex:".length());
      try {
        if (Pattern.compile(re).matcher("").groupCount() < 1) {
          at.mustBe("regex:PATTERN with a group, e.g. regex:token=(\\w+); group 1 is the value");
          return null;
        }
      } catch (PatternSyntaxException e) {
        at.error(
            "was '"
                + s
                + "', whose regex does not compile: "
                + e.getDescription()
                + " at index "
                + e.getIndex());
        return null;
      }
      return new Request.Extraction(var, Request.Extraction.From.REGEX, re);
    }
    at.mustBe(
        "a JSONPath such as $.token, header:NAME such as header:X-Token, or regex:PATTERN such as"
            + " regex:token=(\\w+)");
    return null;
  }

  private CheckSpec tcp(At at) {
    Fields f = at.fields(TCP_KEYS);
    if (f == null) {
      return null;
    }
    String host = host(f.require("host", "the host name or address to connect to"));
    Integer port = port(f.require("port", "the TCP port, 1 to 65535"));
    Template send =
        f.has("send") ? ctx.template(f.get("send"), LoadContext.Scope.FLEET, true) : null;
    List<Assertion> expect = f.has("expect") ? Assertions.list(f.get("expect"), "tcp") : List.of();
    if (host == null || port == null) {
      return null;
    }
    return new CheckSpec.Tcp(host, port, send, expect);
  }

  private CheckSpec dns(At at) {
    Fields f = at.fields(DNS_KEYS);
    if (f == null) {
      return null;
    }
    String name = host(f.require("name", "the name to look up, e.g. shop.example"));
    String type = "A";
    if (f.has("type")) {
      String t = f.get("type").string();
      if (t != null && !DNS_TYPES.contains(t)) {
        f.get("type").mustBe("one of " + String.join(", ", DNS_TYPES));
      } else if (t != null) {
        type = t;
      }
    }
    String server = f.has("server") ? server(f.get("server")) : null;
    List<Assertion> expect = f.has("expect") ? Assertions.list(f.get("expect"), "dns") : List.of();
    if (name == null) {
      return null;
    }
    return new CheckSpec.Dns(name, type, server, expect);
  }

  private CheckSpec tls(At at) {
    Fields f = at.fields(TLS_KEYS);
    if (f == null) {
      return null;
    }
    String host = host(f.require("host", "the host name or address to connect to"));
    Integer port = f.has("port") ? port(f.get("port")) : Integer.valueOf(443);
    String serverName = f.has("server-name") ? host(f.get("server-name")) : null;
    String caFile = f.has("ca-file") ? file(f.get("ca-file")) : null;
    List<Assertion> expect = f.has("expect") ? Assertions.list(f.get("expect"), "tls") : List.of();
    if (host == null || port == null) {
      return null;
    }
    return new CheckSpec.Tls(host, port, serverName, caFile, expect);
  }

  private String host(At at) {
    if (at == null) {
      return null;
    }
    String h = ctx.plain(at);
    if (h != null && !HOST.matcher(h).matches()) {
      at.error(
          "was '"
              + h
              + "' but it must be a host name or IP address, without scheme, port or path (e.g."
              + " shop.example)");
      return null;
    }
    return h;
  }

  private static Integer port(At at) {
    return at == null ? null : at.integer(1, 65535);
  }

  /** {@code host} or {@code host:port}, normalized to {@code host:port} (53 by default). */
  private String server(At at) {
    String s = ctx.plain(at);
    if (s == null) {
      return null;
    }
    String host = s;
    String port = "53";
    int colon = s.lastIndexOf(':');
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close > 0 && close + 1 < s.length() && s.charAt(close + 1) == ':') {
        host = s.substring(0, close + 1);
        port = s.substring(close + 2);
      }
    } else if (colon > 0 && s.indexOf(':') == colon) {
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (!HOST.matcher(host).matches() || p < 1 || p > 65535) {
      at.mustBe("host or host:port of a DNS resolver, e.g. 1.1.1.1, 10.0.0.2:5353 or [::1]:53");
      return null;
    }
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + p;
  }
}
