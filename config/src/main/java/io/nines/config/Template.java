package io.nines.config;

import java.util.List;
import java.util.function.Function;

/**
 * A string from the configuration that may hold references: {@code ${name}} to a variable (from
 * {@code vars:} or extracted by an earlier journey step), {@code ${env:NAME}} and {@code
 * ${file:/path}} to secrets. Secrets are resolved only when a request is made, and a resolved
 * secret never appears in {@link #toString()}, results, logs or errors.
 *
 * @param source the text as written, references included
 * @param parts the text split into literal and reference parts
 */
public record Template(String source, List<Part> parts) {
  public Template {
    parts = List.copyOf(parts);
  }

  /** A piece of a template. */
  public sealed interface Part {}

  /** Text as written. */
  public record Text(String text) implements Part {}

  /** {@code ${name}}: a variable. */
  public record Var(String name) implements Part {}

  /** {@code ${env:NAME}} or {@code ${file:/path}}: a secret. */
  public record Secret(SecretRef ref) implements Part {}

  /** A template of plain text only. */
  public static Template literal(String text) {
    return new Template(text, List.of(new Text(text)));
  }

  /** Whether any part is a secret. */
  public boolean hasSecrets() {
    return parts.stream().anyMatch(p -> p instanceof Secret);
  }

  /**
   * Renders the template.
   *
   * @param vars variable values; returns null for an unknown variable, which renders as an error
   * @param secrets resolves a secret reference; may throw {@link SecretRef.UnresolvedSecret}
   * @throws IllegalStateException naming the unknown variable
   */
  public String render(Function<String, String> vars, Function<SecretRef, String> secrets) {
    StringBuilder sb = new StringBuilder();
    for (Part p : parts) {
      if (p instanceof Text t) {
        sb.append(t.text());
      } else if (p instanceof Var v) {
        String value = vars.apply(v.name());
        if (value == null) {
          throw new IllegalStateException(
              "variable '" + v.name() + "' has no value (in '" + source + "')");
        }
        sb.append(value);
      } else if (p instanceof Secret s) {
        sb.append(secrets.apply(s.ref()));
      }
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return source;
  }
}
