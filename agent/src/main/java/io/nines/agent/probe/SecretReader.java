package io.nines.agent.probe;

import io.nines.config.Request;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the secrets a request uses before it is rendered, without blocking the event loop: {@code
 * ${env:NAME}} references are looked up at once, and when any {@code ${file:/path}} reference is
 * among them, all of them are read on a worker thread (reading a file blocks), as the coordinator
 * reads channel secrets. Each use reads the secret afresh, so a rotated file is picked up by the
 * next probe.
 */
final class SecretReader {
  private SecretReader() {}

  /**
   * Reads every secret {@code templates} refer to.
   *
   * @return on the caller's context: the values by reference (an empty map at once when there are
   *     none), or a failure with {@link SecretRef.UnresolvedSecret}, whose message names the
   *     reference and never a value
   */
  static Future<Map<SecretRef, String>> read(ProbeContext ctx, Collection<Template> templates) {
    Set<SecretRef> refs = new LinkedHashSet<>();
    boolean blocking = false;
    for (Template template : templates) {
      if (template == null) {
        continue;
      }
      for (Template.Part part : template.parts()) {
        if (part instanceof Template.Secret secret) {
          refs.add(secret.ref());
          blocking |= secret.ref().kind() == SecretRef.Kind.FILE;
        }
      }
    }
    if (refs.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    if (blocking) {
      return ctx.vertx().executeBlocking(() -> readNow(ctx, refs), false);
    }
    try {
      return Future.succeededFuture(readNow(ctx, refs));
    } catch (SecretRef.UnresolvedSecret e) {
      return Future.failedFuture(e);
    }
  }

  private static Map<SecretRef, String> readNow(ProbeContext ctx, Set<SecretRef> refs) {
    Map<SecretRef, String> values = new LinkedHashMap<>();
    for (SecretRef ref : refs) {
      String value = ctx.secrets().apply(ref);
      if (value == null) {
        throw new SecretRef.UnresolvedSecret(ref + " has no value");
      }
      values.put(ref, value);
    }
    return values;
  }

  /** Every template of an HTTP request: URL, header values and body. */
  static List<Template> templates(Request request) {
    List<Template> out = new ArrayList<>();
    out.add(request.url());
    out.addAll(request.headers().values());
    Request.Body body = request.body();
    if (body instanceof Request.RawBody raw) {
      out.add(raw.text());
    } else if (body instanceof Request.JsonBody json) {
      collect(json.tree(), out);
    } else if (body instanceof Request.FormBody form) {
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
}
