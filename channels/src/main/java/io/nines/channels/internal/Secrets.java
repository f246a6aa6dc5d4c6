package io.nines.channels.internal;

import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Renders channel settings that may hold secret references, at send time. A template with a {@code
 * ${file:...}} reference is rendered on a worker thread, since reading the file blocks. Channel
 * settings take no variables: a {@code ${name}} is an error that names the setting.
 */
public final class Secrets {
  private final Vertx vertx;
  private final Function<SecretRef, String> resolver;

  /**
   * @param resolver reads a secret; may throw {@link SecretRef.UnresolvedSecret}, whose message
   *     names the reference and never the value
   */
  public Secrets(Vertx vertx, Function<SecretRef, String> resolver) {
    this.vertx = vertx;
    this.resolver = resolver;
  }

  /**
   * Renders {@code template}, the setting called {@code what} (for messages, such as {@code
   * "webhook url"}). Fails with {@link BadSetting}, whose message is safe to show, when a secret
   * can't be read or a variable is used. A null template renders to a null value.
   */
  public Future<Rendered> render(Template template, String what) {
    if (template == null) {
      return Future.succeededFuture(new Rendered(null, List.of()));
    }
    boolean blocking =
        template.parts().stream()
            .anyMatch(p -> p instanceof Template.Secret s && s.ref().kind() == SecretRef.Kind.FILE);
    if (blocking) {
      return vertx.executeBlocking(() -> renderNow(template, what), false);
    }
    try {
      return Future.succeededFuture(renderNow(template, what));
    } catch (BadSetting e) {
      return Future.failedFuture(e);
    }
  }

  private Rendered renderNow(Template template, String what) {
    StringBuilder sb = new StringBuilder();
    List<String> secretValues = new ArrayList<>();
    for (Template.Part p : template.parts()) {
      if (p instanceof Template.Text t) {
        sb.append(t.text());
      } else if (p instanceof Template.Var v) {
        throw new BadSetting(
            what
                + " '"
                + template.source()
                + "' uses the variable '"
                + v.name()
                + "', but channel settings take no variables (expected: text, ${env:NAME} or"
                + " ${file:/path})");
      } else if (p instanceof Template.Secret s) {
        String value;
        try {
          value = resolver.apply(s.ref());
        } catch (SecretRef.UnresolvedSecret e) {
          throw new BadSetting(what + ": " + e.getMessage());
        } catch (RuntimeException e) {
          throw new BadSetting(what + ": " + s.ref() + " can't be read: " + e.getClass().getName());
        }
        if (value == null) {
          throw new BadSetting(what + ": " + s.ref() + " has no value");
        }
        secretValues.add(value);
        sb.append(value);
      }
    }
    return new Rendered(sb.toString(), secretValues);
  }

  /**
   * A rendered setting.
   *
   * @param value the text with secrets in it; never to be logged or shown
   * @param secretValues the secret values it holds, for {@link #redact}
   */
  public record Rendered(String value, List<String> secretValues) {}

  /** Replaces every occurrence of each secret value in {@code text} with {@code ****}. */
  public static String redact(String text, Collection<String> secretValues) {
    String out = text;
    for (String s : secretValues) {
      if (s != null && !s.isEmpty()) {
        out = out.replace(s, "****");
      }
    }
    return out;
  }

  /** A setting that can't be used as it is; the message is safe to show. */
  public static final class BadSetting extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadSetting(String message) {
      super(message, null, false, false);
    }
  }
}
