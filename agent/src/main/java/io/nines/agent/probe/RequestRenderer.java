package io.nines.agent.probe;

import io.nines.config.Redaction;
import io.nines.config.Request;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
import io.nines.config.Template;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the requests of one HTTP check or journey from their templates: the URL, the headers and
 * the body (raw, JSON or form), with the run's variables and the secrets read for the step, and a
 * {@code User-Agent} unless the step sets one. Every secret value it renders is remembered, so that
 * {@link #redact} replaces it by {@code [redacted]} in whatever the run shows (messages,
 * diagnostics).
 *
 * <p>Not thread-safe: one renderer serves one run, on that run's Vert.x context. It does not read
 * secrets (that blocks for {@code ${file:...}}): the run reads them off the event loop first, with
 * {@link ProbeContext#readSecrets}, and hands them to {@link #render(Request,
 * SecretRenderer.Values)}.
 */
final class RequestRenderer {
  static final String REDACTED = "[redacted]";

  private static final String USER_AGENT = "Nines/" + io.nines.common.Version.current();

  private final Redaction redaction = new Redaction(REDACTED);
  private final Map<String, String> vars;
  private SecretRenderer.Values stepSecrets = SecretRenderer.Values.NONE;

  /**
   * @param vars the run's variables, read at every render (a journey's extractions add to them)
   */
  RequestRenderer(Map<String, String> vars) {
    this.vars = vars;
  }

  /** A step's request as it goes out, before the cookie jar adds its header. */
  record Rendered(String url, MultiMap headers, Buffer body) {}

  /**
   * Renders {@code step} with the secrets read for it.
   *
   * @throws SecretRef.UnresolvedSecret when a secret it uses has no value
   * @throws IllegalStateException when a template names a variable that has no value
   */
  Rendered render(Request step, SecretRenderer.Values secrets) {
    stepSecrets = secrets;
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    String url = render(step.url());
    for (Map.Entry<String, Template> h : step.headers().entrySet()) {
      headers.add(h.getKey(), render(h.getValue()));
    }
    Buffer body = renderBody(step.body(), headers);
    if (!headers.contains(HttpHeaders.USER_AGENT)) {
      headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
    }
    return new Rendered(url, headers, body);
  }

  private String render(Template template) {
    return stepSecrets.render(template, vars::get, redaction);
  }

  private Buffer renderBody(Request.Body body, MultiMap headers) {
    if (body == null) {
      return null;
    }
    if (body instanceof Request.RawBody raw) {
      setContentType(
          headers, raw.contentType() == null ? "text/plain; charset=utf-8" : raw.contentType());
      return Buffer.buffer(render(raw.text()));
    }
    if (body instanceof Request.JsonBody json) {
      setContentType(headers, "application/json");
      return Buffer.buffer(io.vertx.core.json.Json.encode(renderJson(json.tree())));
    }
    Request.FormBody form = (Request.FormBody) body;
    setContentType(headers, "application/x-www-form-urlencoded");
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Template> f : form.fields().entrySet()) {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(render(f.getValue()), StandardCharsets.UTF_8));
    }
    return Buffer.buffer(sb.toString());
  }

  private static void setContentType(MultiMap headers, String type) {
    if (!headers.contains(HttpHeaders.CONTENT_TYPE)) {
      headers.set(HttpHeaders.CONTENT_TYPE, type);
    }
  }

  private Object renderJson(Object tree) {
    if (tree instanceof Template t) {
      return render(t);
    }
    if (tree instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), renderJson(v)));
      return out;
    }
    if (tree instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(renderJson(v)));
      return out;
    }
    return tree;
  }

  /** Replaces every secret value rendered so far in this run by a marker. */
  String redact(String text) {
    return redaction.apply(text);
  }
}
