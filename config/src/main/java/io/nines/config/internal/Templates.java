package io.nines.config.internal;

import io.nines.config.SecretRef;
import io.nines.config.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Parses template strings: {@code ${name}} is a variable, {@code ${env:NAME}} and {@code
 * ${file:/path}} are secrets, {@code $${} is a literal {@code ${}, and any other {@code $} is
 * itself.
 */
public final class Templates {
  /** Names of variables, in {@code vars:}, extractions and references. */
  public static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private Templates() {}

  /**
   * Parses {@code source}.
   *
   * @param onError receives a message for each malformed reference (the rest still parses)
   * @return the template; malformed references are kept as text
   */
  public static Template parse(String source, Consumer<String> onError) {
    List<Template.Part> parts = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    while (i < source.length()) {
      char c = source.charAt(i);
      if (c == '$' && source.startsWith("$${", i)) {
        text.append("${");
        i += 3;
        continue;
      }
      if (c != '$' || !source.startsWith("${", i)) {
        text.append(c);
        i++;
        continue;
      }
      int end = source.indexOf('}', i + 2);
      if (end < 0) {
        onError.accept(
            "has '${' at position " + (i + 1) + " with no closing '}'; write $${ for a literal ${");
        text.append(source, i, source.length());
        break;
      }
      String ref = source.substring(i + 2, end);
      Template.Part part = reference(ref, onError);
      if (part == null) {
        text.append(source, i, end + 1);
      } else {
        if (text.length() > 0) {
          parts.add(new Template.Text(text.toString()));
          text.setLength(0);
        }
        parts.add(part);
      }
      i = end + 1;
    }
    if (text.length() > 0) {
      parts.add(new Template.Text(text.toString()));
    }
    return new Template(source, parts);
  }

  private static Template.Part reference(String ref, Consumer<String> onError) {
    int colon = ref.indexOf(':');
    if (colon < 0) {
      if (!VAR_NAME.matcher(ref).matches()) {
        onError.accept(
            "has '${"
                + ref
                + "}', which is not a variable name (letters, digits, '_' and '-', starting with"
                + " a letter or '_'); references are ${name}, ${env:NAME} or ${file:/path}");
        return null;
      }
      return new Template.Var(ref);
    }
    String kind = ref.substring(0, colon);
    String name = ref.substring(colon + 1);
    switch (kind) {
      case "env" -> {
        if (!ENV_NAME.matcher(name).matches()) {
          onError.accept(
              "has '${env:"
                  + name
                  + "}', but an environment variable name is letters, digits and '_', starting"
                  + " with a letter or '_'");
          return null;
        }
        return new Template.Secret(new SecretRef(SecretRef.Kind.ENV, name));
      }
      case "file" -> {
        if (!name.startsWith("/")) {
          onError.accept(
              "has '${file:"
                  + name
                  + "}', but the path must be absolute, e.g. ${file:/etc/nines/secrets/token}");
          return null;
        }
        return new Template.Secret(new SecretRef(SecretRef.Kind.FILE, name));
      }
      default -> {
        onError.accept(
            "has '${"
                + ref
                + "}' with unknown kind '"
                + kind
                + "'; references are ${name} (a variable), ${env:NAME} or ${file:/path} (secrets)");
        return null;
      }
    }
  }

  /** The names of the variables {@code t} refers to, in order. */
  public static List<String> varNames(Template t) {
    List<String> out = new ArrayList<>();
    for (Template.Part p : t.parts()) {
      if (p instanceof Template.Var v) {
        out.add(v.name());
      }
    }
    return out;
  }

  /** The secrets {@code t} refers to, in order. */
  public static List<SecretRef> secrets(Template t) {
    List<SecretRef> out = new ArrayList<>();
    for (Template.Part p : t.parts()) {
      if (p instanceof Template.Secret s) {
        out.add(s.ref());
      }
    }
    return out;
  }
}
