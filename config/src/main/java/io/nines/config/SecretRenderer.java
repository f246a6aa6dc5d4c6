package io.nines.config;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Reads the secrets templates refer to and renders the templates with them, without blocking the
 * caller: {@code ${env:NAME}} references are looked up at once on the caller's thread, and when any
 * {@code ${file:/path}} reference is among them all are read on {@code fileReads} (reading a file
 * blocks, and the caller may be an event loop). Each read reads the secrets afresh, so a rotated
 * file is picked up by the next use. Probes (request URLs, headers, bodies, tcp payloads) and
 * notification channels (URLs, keys, passwords) render through this one class, and keep what they
 * show free of secrets with {@link Redaction}.
 *
 * <p>Vert.x callers pass the worker pool as {@code fileReads} ({@code
 * io.nines.common.Workers.of(vertx)}) and bridge the stage back to their context with {@code
 * Future.fromCompletionStage(stage, context)}.
 */
public final class SecretRenderer {
  private final Function<SecretRef, String> resolver;
  private final Executor fileReads;

  /**
   * @param resolver reads one secret; may block for a file reference, and may throw {@link
   *     SecretRef.UnresolvedSecret}, whose message names the reference and never the value
   * @param fileReads where reads that include a file reference run; never an event loop
   */
  public SecretRenderer(Function<SecretRef, String> resolver, Executor fileReads) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.fileReads = Objects.requireNonNull(fileReads, "fileReads");
  }

  /**
   * Reads every secret {@code templates} refer to (null templates are skipped).
   *
   * @return the values, at once when no reference is a file (and an empty set at once when there is
   *     no reference), else when {@code fileReads} has read them, on its thread; or a failure with
   *     {@link SecretRef.UnresolvedSecret}, whose message names the reference (unset, no value, or
   *     unreadable) and never a value
   */
  public CompletionStage<Values> read(Collection<Template> templates) {
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
      return CompletableFuture.completedFuture(Values.NONE);
    }
    if (!blocking) {
      try {
        return CompletableFuture.completedFuture(readNow(refs));
      } catch (SecretRef.UnresolvedSecret e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    CompletableFuture<Values> out = new CompletableFuture<>();
    try {
      fileReads.execute(
          () -> {
            try {
              out.complete(readNow(refs));
            } catch (RuntimeException e) {
              out.completeExceptionally(e);
            }
          });
    } catch (RuntimeException e) {
      out.completeExceptionally(e);
    }
    return out;
  }

  private Values readNow(Set<SecretRef> refs) {
    Map<SecretRef, String> values = new LinkedHashMap<>();
    for (SecretRef ref : refs) {
      String value;
      try {
        value = resolver.apply(ref);
      } catch (SecretRef.UnresolvedSecret e) {
        throw e;
      } catch (RuntimeException e) {
        // The exception's own message may quote what was read; its kind is enough to act on.
        throw new SecretRef.UnresolvedSecret(ref + " can't be read: " + e.getClass().getName());
      }
      if (value == null) {
        throw new SecretRef.UnresolvedSecret(ref + " has no value");
      }
      values.put(ref, value);
    }
    return new Values(values);
  }

  /** Secrets as read: what {@link #render} puts in place of each reference. Immutable. */
  public static final class Values {
    /** No secrets: what a template without references renders with. */
    public static final Values NONE = new Values(Map.of());

    private final Map<SecretRef, String> byRef;

    private Values(Map<SecretRef, String> byRef) {
      this.byRef = Map.copyOf(byRef);
    }

    /**
     * Renders {@code template} with these secrets, adding each secret value it uses to {@code
     * used}, so that what is shown later can be redacted.
     *
     * @param vars variable values; null for an unknown variable
     * @throws IllegalStateException naming an unknown variable
     * @throws SecretRef.UnresolvedSecret for a reference that was not among the templates read
     */
    public String render(Template template, Function<String, String> vars, Redaction used) {
      return template.render(
          vars,
          ref -> {
            String value = byRef.get(ref);
            if (value == null) {
              throw new SecretRef.UnresolvedSecret(ref + " was not read before rendering");
            }
            used.add(value);
            return value;
          });
    }
  }
}
