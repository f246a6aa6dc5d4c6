package io.nines.config.internal;

import io.nines.config.SecretRef;
import io.nines.config.Template;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the readers share during one load: the problems, the variables, the declared locations and
 * services, and every secret referenced (checked for presence, never read, at the end).
 */
final class LoadContext {
  final Diagnostics diagnostics;
  final Map<String, String> env;

  /** Variables from {@code vars:}, after overrides. */
  final Map<String, String> vars = new LinkedHashMap<>();

  final List<String> locations = new ArrayList<>();
  final Set<String> serviceIds = new java.util.LinkedHashSet<>();
  private final Map<SecretRef, At> secrets = new LinkedHashMap<>();

  LoadContext(Diagnostics diagnostics, Map<String, String> env) {
    this.diagnostics = diagnostics;
    this.env = env;
  }

  /**
   * Variables a template may use besides {@code vars:}, for journeys.
   *
   * @param extracted extracted by earlier steps
   * @param later extracted only by this or later steps, with the step's name, for messages
   */
  record Scope(Set<String> extracted, Map<String, String> later) {
    static final Scope FLEET = new Scope(Set.of(), Map.of());
  }

  /**
   * A template at {@code at}, its variables checked against {@code vars:} and {@code scope}.
   *
   * @param allowSecrets whether {@code ${env:..}} and {@code ${file:..}} may appear
   * @return the template, or null when the node is not text
   */
  Template template(At at, Scope scope, boolean allowSecrets) {
    String s = at.text();
    if (s == null) {
      return null;
    }
    Template t = Templates.parse(s, at::error);
    for (String name : Templates.varNames(t)) {
      if (vars.containsKey(name) || scope.extracted().contains(name)) {
        continue;
      }
      String step = scope.later().get(name);
      if (step != null) {
        at.error(
            "refers to ${"
                + name
                + "}, but step '"
                + step
                + "' extracts it, and a step can use only what earlier steps extracted");
        continue;
      }
      Set<String> known = new TreeSet<>(vars.keySet());
      known.addAll(scope.extracted());
      at.error(
          "refers to ${"
              + name
              + "}, which is not defined"
              + Suggestions.didYouMean(name, known)
              + " (variables here: "
              + Suggestions.list(known)
              + "; define it under vars:)");
    }
    for (SecretRef ref : Templates.secrets(t)) {
      if (!allowSecrets) {
        at.error(
            "refers to the secret "
                + ref
                + ", but secrets are allowed only in urls, headers, bodies, tcp send, browser fill"
                + " values and channel settings");
      } else {
        secrets.putIfAbsent(ref, at);
      }
    }
    return t;
  }

  /**
   * A string whose {@code ${name}} references are replaced by {@code vars:} values now, for fields
   * that are plain strings in the model (hosts, names, files, runbooks).
   *
   * @return the text, or null when it is not text or refers to something unknown
   */
  String plain(At at) {
    String s = at.string();
    if (s == null || !s.contains("${")) {
      return s;
    }
    int before = at.diagnostics().count();
    Template t = template(at, Scope.FLEET, false);
    if (t == null || at.diagnostics().count() != before) {
      return null;
    }
    return t.render(vars::get, ref -> "");
  }

  /** Reports when {@code t} can't be an absolute http(s) URL; see {@link #checkUrl(At, String)}. */
  void checkUrl(At at, Template t) {
    if (t == null) {
      return;
    }
    StringBuilder known = new StringBuilder();
    boolean complete = true;
    for (Template.Part p : t.parts()) {
      if (p instanceof Template.Text text) {
        known.append(text.text());
      } else if (p instanceof Template.Var v && vars.containsKey(v.name())) {
        known.append(vars.get(v.name()));
      } else {
        complete = false;
        break;
      }
    }
    boolean substituted = t.parts().stream().anyMatch(p -> p instanceof Template.Var);
    String shown = substituted ? " (after substituting variables)" : "";
    if (complete) {
      String problem = urlProblem(known.toString());
      if (problem != null) {
        at.error("is '" + known + "'" + shown + ", but " + problem);
      }
      return;
    }
    // Only the part before the first extracted variable or secret is known: it must at least
    // start like an absolute URL, and if the host is complete it must be a valid one.
    String prefix = known.toString();
    if (prefix.isEmpty()) {
      return;
    }
    String lower = prefix.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
      at.error(
          "starts with '"
              + prefix
              + "'"
              + shown
              + ", but it must be an absolute http:// or https:// URL");
      return;
    }
    int authorityStart = prefix.indexOf("://") + 3;
    int authorityEnd = indexOfAny(prefix, authorityStart, "/?#");
    if (authorityEnd > 0) {
      String problem = urlProblem(prefix.substring(0, authorityEnd) + "/");
      if (problem != null) {
        at.error("starts with '" + prefix + "'" + shown + ", but " + problem);
      }
    }
  }

  /** Reports when a plain string is not an absolute http(s) URL. */
  void checkUrl(At at, String url) {
    if (url == null) {
      return;
    }
    String problem = urlProblem(url);
    if (problem != null) {
      at.error("was '" + url + "' but " + problem);
    }
  }

  /** Why {@code s} is not an absolute http(s) URL with a host, or null when it is one. */
  static String urlProblem(String s) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      return "it is not a valid URL: " + e.getReason() + " at index " + e.getIndex();
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      return "it must be an absolute http:// or https:// URL, such as https://shop.example/health";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "it has no valid host; write http(s)://host[:port]/path";
    }
    if (uri.getPort() > 65535) {
      return "its port " + uri.getPort() + " is above 65535";
    }
    return null;
  }

  private static int indexOfAny(String s, int from, String chars) {
    for (int i = from; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Warns about each secret that can't be found here: an unset environment variable or a missing
   * file. Validation may run where the secrets are absent, so these are warnings. Values are never
   * read.
   */
  void checkSecrets() {
    for (Map.Entry<SecretRef, At> e : secrets.entrySet()) {
      SecretRef ref = e.getKey();
      if (ref.kind() == SecretRef.Kind.ENV && !env.containsKey(ref.name())) {
        e.getValue()
            .warning(
                "refers to "
                    + ref
                    + ", which is not set in this environment; set "
                    + ref.name()
                    + " wherever the check or channel runs");
      } else if (ref.kind() == SecretRef.Kind.FILE && !Files.isReadable(Path.of(ref.name()))) {
        e.getValue()
            .warning(
                "refers to "
                    + ref
                    + ", which does not exist or can't be read here; create it wherever the"
                    + " check or channel runs");
      }
    }
  }

  /** Reports an unknown reference to a {@code kind} (e.g. team) and lists those that exist. */
  static void unknown(At at, String kind, String plural, String id, Set<String> existing) {
    at.error(
        "was '"
            + id
            + "' but no "
            + kind
            + " has that id"
            + Suggestions.didYouMean(id, existing)
            + " ("
            + plural
            + ": "
            + Suggestions.list(existing)
            + ")");
  }

  /** An absolute path to a file the agent reads; a missing one is a warning. */
  String file(At at) {
    String path = plain(at);
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
}
