package io.nines.channels.internal;

import io.nines.common.Workers;
import io.nines.config.Redaction;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
import io.nines.config.Template;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;

/**
 * Renders channel settings that may hold secret references, at send time, with config's {@link
 * SecretRenderer}: a {@code ${file:...}} reference is read on a Vert.x worker thread, since reading
 * the file blocks. Channel settings take no variables: a {@code ${name}} is an error that names the
 * setting. What a channel shows is redacted by config's {@link Redaction} rule, with {@code ****}.
 */
public final class Secrets {
  /** What a secret value is replaced by in a delivery message. */
  static final String MARKER = "****";

  private final Vertx vertx;
  private final SecretRenderer renderer;

  /**
   * @param resolver reads a secret; may throw {@link SecretRef.UnresolvedSecret}, whose message
   *     names the reference and never the value
   */
  public Secrets(Vertx vertx, Function<SecretRef, String> resolver) {
    this.vertx = vertx;
    this.renderer = new SecretRenderer(resolver, Workers.of(vertx));
  }

  /**
   * Renders {@code template}, the setting called {@code what} (for messages, such as {@code
   * "webhook url"}). Fails with {@link BadSetting}, whose message is safe to show, when a secret
   * can't be read or a variable is used. A null template renders to a null value.
   */
  public Future<Rendered> render(Template template, String what) {
    if (template == null) {
      return Future.succeededFuture(new Rendered(null, new Redaction(MARKER)));
    }
    for (Template.Part p : template.parts()) {
      if (p instanceof Template.Var v) {
        return Future.failedFuture(
            new BadSetting(
                what
                    + " '"
                    + template.source()
                    + "' uses the variable '"
                    + v.name()
                    + "', but channel settings take no variables (expected: text, ${env:NAME} or"
                    + " ${file:/path})"));
      }
    }
    return Future.fromCompletionStage(renderer.read(List.of(template)), vertx.getOrCreateContext())
        .transform(
            read -> {
              if (read.failed()) {
                Throwable e = read.cause();
                return Future.failedFuture(
                    e instanceof SecretRef.UnresolvedSecret
                        ? new BadSetting(what + ": " + e.getMessage())
                        : e);
              }
              Redaction used = new Redaction(MARKER);
              String value = read.result().render(template, name -> null, used);
              return Future.succeededFuture(new Rendered(value, used));
            });
  }

  /**
   * A rendered setting.
   *
   * @param value the text with secrets in it; never to be logged or shown
   * @param redaction the secret values it holds, to keep them out of what the send shows; a send
   *     may add more (such as a signing key)
   */
  public record Rendered(String value, Redaction redaction) {}

  /** A setting that can't be used as it is; the message is safe to show. */
  public static final class BadSetting extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadSetting(String message) {
      super(message, null, false, false);
    }
  }
}
