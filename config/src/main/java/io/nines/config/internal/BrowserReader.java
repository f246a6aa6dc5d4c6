package io.nines.config.internal;

import io.nines.config.BrowserStep;
import io.nines.config.BrowserStep.Selector;
import io.nines.config.CheckSpec;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a {@code browser:} check: its steps (each with exactly one action), the run's assertions,
 * the step timeout and the viewport. A step may use only what earlier steps extracted; secrets are
 * allowed only in {@code fill} values.
 */
final class BrowserReader {
  static final List<String> BROWSER_KEYS = List.of("steps", "expect", "step-timeout", "viewport");
  static final List<String> ACTIONS =
      List.of(
          "goto",
          "click",
          "fill",
          "select",
          "press",
          "wait-for",
          "expect",
          "extract",
          "screenshot");
  static final List<String> CONDITIONS = List.of("visible", "hidden", "text", "url", "title");
  static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(10);
  static final int DEFAULT_WIDTH = 1280;
  static final int DEFAULT_HEIGHT = 720;

  /** Keys {@code press} knows by name, besides single characters. */
  static final List<String> KEYS =
      List.of(
          "Enter",
          "Tab",
          "Escape",
          "Backspace",
          "Delete",
          "Space",
          "ArrowUp",
          "ArrowDown",
          "ArrowLeft",
          "ArrowRight",
          "Home",
          "End",
          "PageUp",
          "PageDown");

  /** ARIA roles a {@code role=} selector may name. */
  static final List<String> ROLES =
      List.of(
          "alert",
          "article",
          "banner",
          "button",
          "cell",
          "checkbox",
          "columnheader",
          "combobox",
          "dialog",
          "form",
          "grid",
          "heading",
          "img",
          "link",
          "list",
          "listbox",
          "listitem",
          "main",
          "menu",
          "menuitem",
          "navigation",
          "option",
          "progressbar",
          "radio",
          "region",
          "row",
          "search",
          "searchbox",
          "slider",
          "spinbutton",
          "status",
          "switch",
          "tab",
          "table",
          "tabpanel",
          "textbox");

  private static final Pattern ROLE =
      Pattern.compile("role=([a-z]+)(?:\\[name=(\"[^\"]*\"|'[^']*'|[^\\]\"']+)\\])?");
  private static final Pattern VIEWPORT = Pattern.compile("([0-9]{1,5})x([0-9]{1,5})");

  private final LoadContext ctx;

  BrowserReader(LoadContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Reads the check.
   *
   * @param checkTimeout the check's timeout: the whole run's bound, and the most a step may take
   * @return the spec, or null when a step is too broken to build (problems were reported)
   */
  CheckSpec read(At at, Duration checkTimeout) {
    Fields f = at.fields(BROWSER_KEYS);
    if (f == null) {
      return null;
    }
    Duration stepTimeout = min(DEFAULT_STEP_TIMEOUT, checkTimeout);
    if (f.has("step-timeout")) {
      Duration d = timeout(f.get("step-timeout"), checkTimeout);
      stepTimeout = d == null ? stepTimeout : d;
    }
    int width = DEFAULT_WIDTH;
    int height = DEFAULT_HEIGHT;
    if (f.has("viewport")) {
      At v = f.get("viewport");
      String s = v.string();
      Matcher m = s == null ? null : VIEWPORT.matcher(s);
      if (m != null && m.matches()) {
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        if (w < 200 || w > 3840 || h < 200 || h > 2160) {
          v.mustBe("WIDTHxHEIGHT with a width from 200 to 3840 and a height from 200 to 2160");
        } else {
          width = w;
          height = h;
        }
      } else if (s != null) {
        v.mustBe("WIDTHxHEIGHT in CSS pixels, such as 1280x720");
      }
    }
    List<Assertion> expect =
        f.has("expect") ? Assertions.list(f.get("expect"), "browser") : List.of();
    At stepsAt = f.require("steps", "a list of steps such as - goto: https://shop.example/");
    if (stepsAt == null) {
      return null;
    }
    List<At> items = stepsAt.items();
    if (stepsAt.isSequence() && items.isEmpty()) {
      stepsAt.mustBe("a list of at least one step, the first usually a goto");
      return null;
    }
    // Which step extracts what, so that a use before the extraction gets a precise message.
    List<String> extractedBy = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      extractedBy.add(extractionName(items.get(i)));
    }
    List<BrowserStep> steps = new ArrayList<>();
    Map<String, At> names = new HashMap<>();
    Set<String> extracted = new HashSet<>();
    boolean broken = false;
    for (int i = 0; i < items.size(); i++) {
      Map<String, String> later = new HashMap<>();
      for (int j = items.size() - 1; j >= i; j--) {
        if (extractedBy.get(j) != null) {
          later.put(extractedBy.get(j), "#" + (j + 1));
        }
      }
      later.keySet().removeAll(extracted);
      LoadContext.Scope scope = new LoadContext.Scope(Set.copyOf(extracted), later);
      At item = items.get(i);
      BrowserStep step = step(item, i, scope, checkTimeout);
      if (extractedBy.get(i) != null) {
        extracted.add(extractedBy.get(i));
      }
      if (step == null) {
        broken = true;
        continue;
      }
      At previous = names.putIfAbsent(step.name(), item);
      if (previous != null) {
        item.error(
            "is named '"
                + step.name()
                + "', like the step at line "
                + previous.line()
                + "; step names must be unique within a browser check");
      }
      steps.add(step);
    }
    if (broken) {
      return null;
    }
    return new CheckSpec.Browser(steps, expect, stepTimeout, width, height);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration timeout(At at, Duration checkTimeout) {
    Duration d = at.duration();
    if (d != null && (d.isZero() || d.compareTo(checkTimeout) > 0)) {
      at.mustBe(
          "above 0 and at most the check's timeout ("
              + Units.formatDuration(checkTimeout)
              + "), which bounds the whole run");
      return null;
    }
    return d;
  }

  private BrowserStep step(At at, int index, LoadContext.Scope scope, Duration checkTimeout) {
    List<String> allowed = new ArrayList<>(List.of("name", "timeout"));
    allowed.addAll(ACTIONS);
    Fields f = at.fields(allowed, Map.of("url", "write goto: <url> to load a page"));
    if (f == null) {
      return null;
    }
    List<String> actions = ACTIONS.stream().filter(f::has).toList();
    if (actions.isEmpty()) {
      at.error(
          "has no action; write exactly one of "
              + String.join(", ", ACTIONS)
              + ", e.g. click: \"#checkout\"");
      return null;
    }
    if (actions.size() > 1) {
      f.owner()
          .keyAt(actions.get(1))
          .error(
              "is a second action besides '"
                  + actions.get(0)
                  + "'; a step does one thing, so split it into two steps");
    }
    String action = actions.get(0);
    String name = (index + 1) + "-" + action;
    if (f.has("name")) {
      name = f.get("name").string();
    }
    Duration timeout = f.has("timeout") ? timeout(f.get("timeout"), checkTimeout) : null;
    At v = f.get(action);
    BrowserStep step =
        switch (action) {
          case "goto" -> {
            Template url = ctx.template(v, scope, false);
            ctx.checkUrl(v, url);
            yield url == null ? null : new BrowserStep.Goto(name, timeout, url);
          }
          case "click" -> {
            Selector s = selector(v);
            yield s == null ? null : new BrowserStep.Click(name, timeout, s);
          }
          case "fill", "select" -> {
            Fields g = v.fields(List.of("selector", "value"));
            if (g == null) {
              yield null;
            }
            At sAt = g.require("selector", "the element, e.g. \"#email\"");
            At valueAt = g.require("value", "what to " + (action.equals("fill") ? "type" : "pick"));
            Selector s = sAt == null ? null : selector(sAt);
            Template value =
                valueAt == null ? null : ctx.template(valueAt, scope, action.equals("fill"));
            if (s == null || value == null) {
              yield null;
            }
            yield action.equals("fill")
                ? new BrowserStep.Fill(name, timeout, s, value)
                : new BrowserStep.Select(name, timeout, s, value);
          }
          case "press" -> press(v, name, timeout);
          case "wait-for", "expect" -> {
            BrowserStep.Condition c = condition(v, scope);
            if (c == null) {
              yield null;
            }
            yield action.equals("expect")
                ? new BrowserStep.Expect(name, timeout, c)
                : new BrowserStep.WaitFor(name, timeout, c);
          }
          case "extract" -> extract(v, name, timeout);
          default -> {
            String label = v.isNull() ? name : v.string();
            yield label == null ? null : new BrowserStep.Screenshot(name, timeout, label);
          }
        };
    return name == null ? null : step;
  }

  private BrowserStep press(At v, String name, Duration timeout) {
    At keyAt = v;
    Selector selector = null;
    if (v.isMapping()) {
      Fields g = v.fields(List.of("key", "selector"));
      keyAt = g.require("key", "a key such as Enter");
      if (g.has("selector")) {
        selector = selector(g.get("selector"));
        if (selector == null) {
          return null;
        }
      }
      if (keyAt == null) {
        return null;
      }
    }
    String key = keyAt.text();
    if (key == null) {
      return null;
    }
    if (key.codePointCount(0, key.length()) != 1 && !KEYS.contains(key)) {
      keyAt.mustBe("one character or a key name: " + String.join(", ", KEYS));
      return null;
    }
    return new BrowserStep.Press(name, timeout, key, selector);
  }

  private BrowserStep.Condition condition(At v, LoadContext.Scope scope) {
    if (!v.isMapping()) {
      Selector s = selector(v);
      return s == null ? null : new BrowserStep.Visible(s);
    }
    List<String> allowed = new ArrayList<>(CONDITIONS);
    allowed.add("in");
    Fields g = v.fields(allowed);
    List<String> kinds = CONDITIONS.stream().filter(g::has).toList();
    if (kinds.isEmpty()) {
      v.error(
          "says nothing to wait for; write exactly one of visible, hidden, text, url or title,"
              + " e.g. {text: \"Thank you\"}");
      return null;
    }
    if (kinds.size() > 1) {
      g.owner()
          .keyAt(kinds.get(1))
          .error(
              "is a second condition besides '"
                  + kinds.get(0)
                  + "'; a step checks one thing, so split it into two steps");
    }
    String kind = kinds.get(0);
    if (g.has("in") && !kind.equals("text")) {
      g.owner().keyAt("in").error("goes with text: only, to look for the text in one element");
    }
    At c = g.get(kind);
    return switch (kind) {
      case "visible", "hidden" -> {
        Selector s = selector(c);
        yield s == null
            ? null
            : kind.equals("visible") ? new BrowserStep.Visible(s) : new BrowserStep.Hidden(s);
      }
      case "text" -> {
        Template t = ctx.template(c, scope, false);
        Selector in = g.has("in") ? selector(g.get("in")) : null;
        if (t == null || (g.has("in") && in == null)) {
          yield null;
        }
        if (t.source().isEmpty()) {
          c.mustBe("a non-empty text");
          yield null;
        }
        yield new BrowserStep.TextPresent(t, in);
      }
      case "url" -> {
        Template t = ctx.template(c, scope, false);
        yield t == null ? null : new BrowserStep.UrlContains(t);
      }
      default -> {
        Template t = ctx.template(c, scope, false);
        yield t == null ? null : new BrowserStep.TitleContains(t);
      }
    };
  }

  private BrowserStep extract(At v, String name, Duration timeout) {
    Fields g = v.fields(List.of("into", "from", "attribute"));
    if (g == null) {
      return null;
    }
    At intoAt = g.require("into", "the variable's name, used later as ${name}");
    At fromAt = g.require("from", "the element whose text (or attribute) to take");
    String into = intoAt == null ? null : intoAt.string();
    if (into != null && !Templates.VAR_NAME.matcher(into).matches()) {
      intoAt.mustBe(
          "a variable name (letters, digits, '_' and '-', starting with a letter or '_')");
      into = null;
    } else if (into != null && ctx.vars.containsKey(into)) {
      intoAt.error(
          "extracts into '"
              + into
              + "', which is also defined under vars:; choose another name so that ${"
              + into
              + "} means one thing");
      into = null;
    }
    Selector from = fromAt == null ? null : selector(fromAt);
    String attribute = null;
    if (g.has("attribute")) {
      attribute = g.get("attribute").string();
      if (attribute != null && !attribute.matches("[A-Za-z_:][A-Za-z0-9_:.-]*")) {
        g.get("attribute").mustBe("an attribute name such as href or data-id");
        return null;
      }
    }
    if (into == null || from == null) {
      return null;
    }
    return new BrowserStep.Extract(name, timeout, into, from, attribute);
  }

  private static String extractionName(At item) {
    if (item.node() instanceof MappingNode m) {
      for (var t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals("extract")
            && t.getValueNode() instanceof MappingNode x) {
          for (var u : x.getValue()) {
            if (u.getKeyNode() instanceof ScalarNode k2
                && k2.getValue().equals("into")
                && u.getValueNode() instanceof ScalarNode v) {
              return v.getValue();
            }
          }
        }
      }
    }
    return null;
  }

  /** A selector at {@code at}; null after reporting what is wrong with it. */
  static Selector selector(At at) {
    String s = at.string();
    if (s == null) {
      return null;
    }
    String problem = selectorProblem(s);
    if (problem != null) {
      at.error("was '" + s + "', " + problem);
      return null;
    }
    return parseSelector(s);
  }

  /** Parses a selector that {@link #selectorProblem} accepts. */
  static Selector parseSelector(String s) {
    if (s.startsWith("text=")) {
      String text = s.substring(5).trim();
      boolean exact = quoted(text);
      return new Selector(s, Selector.Kind.TEXT, exact ? unquote(text) : text, null, exact);
    }
    if (s.startsWith("role=")) {
      Matcher m = ROLE.matcher(s.trim());
      m.matches();
      String name = m.group(2);
      boolean exact = name != null && quoted(name);
      return new Selector(s, Selector.Kind.ROLE, m.group(1), exact ? unquote(name) : name, exact);
    }
    return new Selector(s, Selector.Kind.CSS, s.trim(), null, false);
  }

  private static boolean quoted(String s) {
    return s.length() >= 2
        && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")));
  }

  private static String unquote(String s) {
    return s.substring(1, s.length() - 1);
  }

  /** What is wrong with a selector, or null when it is fine. */
  static String selectorProblem(String s) {
    String t = s.trim();
    if (t.isEmpty()) {
      return "but a selector must not be blank";
    }
    if (t.startsWith("text=")) {
      String text = t.substring(5).trim();
      if (text.isEmpty() || (quoted(text) && text.length() == 2)) {
        return "but text= needs the text to look for, as in text=Add to cart";
      }
      return null;
    }
    if (t.startsWith("role=")) {
      Matcher m = ROLE.matcher(t);
      if (!m.matches()) {
        return "which is not a role selector: write role=ROLE or role=ROLE[name=\"Accessible"
            + " name\"], as in role=button[name=\"Checkout\"]";
      }
      if (!ROLES.contains(m.group(1))) {
        return "whose role '"
            + m.group(1)
            + "' is not an ARIA role this probe knows"
            + Suggestions.didYouMean(m.group(1), ROLES)
            + " (roles: "
            + String.join(", ", ROLES)
            + ")";
      }
      return null;
    }
    if (t.startsWith("xpath=") || t.startsWith("//") || t.startsWith("(//")) {
      return "but XPath is not supported; use CSS, text=... or role=...";
    }
    return cssProblem(t);
  }

  /**
   * A light CSS check: balanced brackets, parentheses and quotes, no empty part between commas, no
   * combinator at either end. The browser is the judge of the rest, and says so at run time.
   */
  static String cssProblem(String t) {
    List<Character> open = new ArrayList<>();
    char quote = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      switch (c) {
        case '"', '\'' -> quote = c;
        case '\\' -> i++;
        case '[', '(' -> open.add(c);
        case ']', ')' -> {
          char want = c == ']' ? '[' : '(';
          if (open.isEmpty() || open.remove(open.size() - 1) != want) {
            return "which is not valid CSS: '" + c + "' at position " + (i + 1) + " closes nothing";
          }
        }
        default -> {}
      }
    }
    if (quote != 0) {
      return "which is not valid CSS: a string opened with " + quote + " is not closed";
    }
    if (!open.isEmpty()) {
      return "which is not valid CSS: '"
          + open.get(open.size() - 1)
          + "' is not closed with '"
          + (open.get(open.size() - 1) == '[' ? ']' : ')')
          + "'";
    }
    String stripped = t.replaceAll("\"[^\"]*\"|'[^']*'|\\[[^\\]]*\\]|\\([^)]*\\)", "x");
    if (stripped.matches("^\\s*[>+~,].*") || stripped.matches(".*[>+~,]\\s*$")) {
      return "which is not valid CSS: it starts or ends with a combinator or comma";
    }
    if (stripped.matches(".*,\\s*,.*")) {
      return "which is not valid CSS: it has an empty selector between commas";
    }
    return null;
  }

  /** The canonical text of a step, for diffs: {@code click #buy}, {@code fill #user = probe}. */
  static String print(BrowserStep step) {
    String target;
    if (step instanceof BrowserStep.Goto g) {
      target = g.url().source();
    } else if (step instanceof BrowserStep.Click c) {
      target = c.selector().source();
    } else if (step instanceof BrowserStep.Fill fl) {
      target = fl.selector().source() + " = " + fl.value().source();
    } else if (step instanceof BrowserStep.Select sl) {
      target = sl.selector().source() + " = " + sl.value().source();
    } else if (step instanceof BrowserStep.Press p) {
      target = p.key() + (p.selector() == null ? "" : " in " + p.selector().source());
    } else if (step instanceof BrowserStep.WaitFor w) {
      target = w.condition().describe();
    } else if (step instanceof BrowserStep.Expect e) {
      target = e.condition().describe();
    } else if (step instanceof BrowserStep.Extract x) {
      target =
          x.into()
              + " = "
              + (x.attribute() == null ? "text" : "@" + x.attribute())
              + " of "
              + x.from().source();
    } else {
      target = ((BrowserStep.Screenshot) step).label();
    }
    String text = step.action() + " " + target;
    return step.timeout() == null
        ? text
        : text + " (timeout " + Units.formatDuration(step.timeout()) + ")";
  }
}
