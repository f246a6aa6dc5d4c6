package io.nines.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a {@code browser} check: what a person would do in the page, read aloud. Every step
 * has a name (written, or {@code N-action} such as {@code 3-click}) and an optional own timeout
 * (null: the check's {@code step-timeout}).
 */
public sealed interface BrowserStep {

  /** The step's name, unique within the check. */
  String name();

  /** The step's own timeout, or null for the check's {@code step-timeout}. */
  Duration timeout();

  /** The action as written: {@code goto}, {@code click}, ... */
  String action();

  /** Every template of the step, as {@link SecretRenderer#read} takes them. */
  default List<Template> templates() {
    return List.of();
  }

  /** {@code goto: URL}: loads a page and waits for its load event. */
  record Goto(String name, Duration timeout, Template url) implements BrowserStep {
    public String action() {
      return "goto";
    }

    @Override
    public List<Template> templates() {
      return List.of(url);
    }
  }

  /** {@code click: SELECTOR}: a mouse click at the centre of the visible element. */
  record Click(String name, Duration timeout, Selector selector) implements BrowserStep {
    public String action() {
      return "click";
    }
  }

  /**
   * {@code fill: {selector, value}}: types {@code value} (which may hold secrets) into an input.
   */
  record Fill(String name, Duration timeout, Selector selector, Template value)
      implements BrowserStep {
    public String action() {
      return "fill";
    }

    @Override
    public List<Template> templates() {
      return List.of(value);
    }
  }

  /**
   * {@code select: {selector, value}}: chooses the option whose value or label is {@code value}.
   */
  record Select(String name, Duration timeout, Selector selector, Template value)
      implements BrowserStep {
    public String action() {
      return "select";
    }

    @Override
    public List<Template> templates() {
      return List.of(value);
    }
  }

  /**
   * {@code press: KEY} or {@code press: {key, selector}}: presses a key, in the element when one is
   * named.
   *
   * @param selector the element to focus first, or null for the focused one
   */
  record Press(String name, Duration timeout, String key, Selector selector)
      implements BrowserStep {
    public String action() {
      return "press";
    }
  }

  /**
   * {@code wait-for: ...}: waits until the condition holds; past the timeout, {@code step-timeout}.
   */
  record WaitFor(String name, Duration timeout, Condition condition) implements BrowserStep {
    public String action() {
      return "wait-for";
    }

    @Override
    public List<Template> templates() {
      return condition.templates();
    }
  }

  /**
   * {@code expect: ...}: the condition must hold within the timeout; otherwise the check fails with
   * {@code ASSERTION}, saying what was found instead.
   */
  record Expect(String name, Duration timeout, Condition condition) implements BrowserStep {
    public String action() {
      return "expect";
    }

    @Override
    public List<Template> templates() {
      return condition.templates();
    }
  }

  /**
   * {@code extract: {into, from, attribute}}: the element's text (or attribute) into a variable
   * that later steps use as {@code ${into}}.
   *
   * @param attribute the attribute to read, or null for the element's text
   */
  record Extract(String name, Duration timeout, String into, Selector from, String attribute)
      implements BrowserStep {
    public String action() {
      return "extract";
    }
  }

  /** {@code screenshot: LABEL}: a PNG of the page, kept in the result's diagnostics. */
  record Screenshot(String name, Duration timeout, String label) implements BrowserStep {
    public String action() {
      return "screenshot";
    }
  }

  /**
   * An element selector: CSS ({@code #buy}, {@code form input[name=q]}), {@code text=Buy now} (the
   * smallest visible element whose text contains it; {@code text="Buy now"} matches the whole text
   * exactly), or {@code role=button[name="Buy now"]} (an ARIA role, explicit or implicit, with an
   * optional accessible name).
   *
   * @param source as written
   * @param kind how to find the element
   * @param value the CSS selector, the text, or the role
   * @param name for a role, the accessible name wanted, or null
   * @param exact for text and a role's name: whole text (quoted) rather than contained
   */
  record Selector(String source, Kind kind, String value, String name, boolean exact) {
    /** How a selector finds its element. */
    public enum Kind {
      CSS,
      TEXT,
      ROLE
    }

    @Override
    public String toString() {
      return source;
    }
  }

  /** What {@code wait-for} waits for and {@code expect} expects. */
  sealed interface Condition {
    /** The condition as a person would say it, for messages. */
    String describe();

    default List<Template> templates() {
      return List.of();
    }
  }

  /** The element exists and is visible. */
  record Visible(Selector selector) implements Condition {
    public String describe() {
      return "'" + selector + "' visible";
    }
  }

  /** No element matches, or none that matches is visible. */
  record Hidden(Selector selector) implements Condition {
    public String describe() {
      return "'" + selector + "' hidden";
    }
  }

  /**
   * The page's visible text (or that of the element {@code in}) contains {@code text}.
   *
   * @param in the element to look in, or null for the whole page
   */
  record TextPresent(Template text, Selector in) implements Condition {
    public String describe() {
      return "text '" + text + "'" + (in == null ? "" : " in '" + in + "'");
    }

    @Override
    public List<Template> templates() {
      return List.of(text);
    }
  }

  /** The page's URL contains {@code text}. */
  record UrlContains(Template text) implements Condition {
    public String describe() {
      return "url containing '" + text + "'";
    }

    @Override
    public List<Template> templates() {
      return List.of(text);
    }
  }

  /** The page's title contains {@code text}. */
  record TitleContains(Template text) implements Condition {
    public String describe() {
      return "title containing '" + text + "'";
    }

    @Override
    public List<Template> templates() {
      return List.of(text);
    }
  }

  /** Every template of {@code steps}, in order. */
  static List<Template> templatesOf(List<BrowserStep> steps) {
    List<Template> out = new ArrayList<>();
    steps.forEach(s -> out.addAll(s.templates()));
    return out;
  }
}
