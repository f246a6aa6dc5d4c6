package io.nines.config.internal;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one HTTP request (of an http check, or a step of a journey): method and URL, headers, body,
 * assertions and extractions.
 */
final class RequestReader {
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
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Map<String, String> REQUEST_HINTS =
      Map.of(
          "url", "the method is the key: write get: <url> (or post:, put:, ...)",
          "method", "the method is the key: write get: <url> (or post:, put:, ...)");

  private final LoadContext ctx;

  RequestReader(LoadContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Warns about a status assertion that only a redirect could satisfy (such as {@code status ==
   * 301}) while redirects are followed: the final response is judged, so it could never hold.
   * Before redirects were followed regardless of assertions, such a check judged the 3xx itself.
   */
  static void warnRedirectOnlyStatus(At request, HttpOptions options) {
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

  /**
   * Reads a request.
   *
   * @param defaultName the name when none is written; null when a name is required
   * @param allowExtract whether later steps can use extracted values (journeys)
   */
  Request request(
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
}
