package io.nines.config;

import io.nines.config.assertion.Assertion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request with its assertions: an http check's request, or one journey step.
 *
 * @param name the step's name; {@code request} for an http check
 * @param method upper case, e.g. {@code GET}
 * @param url the URL, with references
 * @param headers request headers, with references
 * @param body the body, or null
 * @param expect assertions, all of which must hold
 * @param extract variables taken from the response for later steps
 */
public record Request(
    String name,
    String method,
    Template url,
    Map<String, Template> headers,
    Body body,
    List<Assertion> expect,
    List<Extraction> extract) {
  public Request {
    headers = Map.copyOf(headers);
    expect = List.copyOf(expect);
    extract = List.copyOf(extract);
  }

  /**
   * Every template of the request, as {@link SecretRenderer#read} takes them: the URL, the header
   * values and the body's (raw text, JSON strings at any depth, form fields).
   */
  public List<Template> templates() {
    List<Template> out = new ArrayList<>();
    out.add(url);
    out.addAll(headers.values());
    if (body instanceof RawBody raw) {
      out.add(raw.text());
    } else if (body instanceof JsonBody json) {
      collect(json.tree(), out);
    } else if (body instanceof FormBody form) {
      out.addAll(form.fields().values());
    }
    return out;
  }

  private static void collect(Object tree, List<Template> out) {
    if (tree instanceof Template t) {
      out.add(t);
    } else if (tree instanceof Map<?, ?> map) {
      map.values().forEach(v -> collect(v, out));
    } else if (tree instanceof List<?> list) {
      list.forEach(v -> collect(v, out));
    }
  }

  /** A request body. */
  public sealed interface Body {}

  /** Raw text, sent with {@code contentType} (default {@code text/plain}). */
  public record RawBody(Template text, String contentType) implements Body {}

  /**
   * JSON: a tree of {@code Map<String, Object>}, {@code List<Object>}, {@link Template} (strings),
   * numbers, booleans and nulls.
   */
  public record JsonBody(Object tree) implements Body {}

  /** {@code application/x-www-form-urlencoded} fields. */
  public record FormBody(Map<String, Template> fields) implements Body {
    public FormBody {
      fields = Map.copyOf(fields);
    }
  }

  /**
   * Takes a value from a response into a variable.
   *
   * @param variable the name later steps use as {@code ${variable}}
   * @param from where to look
   * @param expression a JSONPath ({@code $.token}), a header name, or a regex whose group 1 is the
   *     value
   */
  public record Extraction(String variable, From from, String expression) {
    public enum From {
      JSON,
      HEADER,
      REGEX
    }
  }
}
