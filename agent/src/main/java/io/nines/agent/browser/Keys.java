package io.nines.agent.browser;

import java.util.Locale;
import java.util.Map;

/** The DevTools key events of the keys a {@code press} step may name. */
final class Keys {
  private Keys() {}

  /**
   * A key as {@code Input.dispatchKeyEvent} takes it.
   *
   * @param text what it types, or null for a key that types nothing (arrows, Escape)
   */
  record Key(String key, String code, int keyCode, String text) {}

  private static final Map<String, Key> NAMED =
      Map.ofEntries(
          Map.entry("Enter", new Key("Enter", "Enter", 13, "\r")),
          Map.entry("Tab", new Key("Tab", "Tab", 9, null)),
          Map.entry("Escape", new Key("Escape", "Escape", 27, null)),
          Map.entry("Backspace", new Key("Backspace", "Backspace", 8, null)),
          Map.entry("Delete", new Key("Delete", "Delete", 46, null)),
          Map.entry("Space", new Key(" ", "Space", 32, " ")),
          Map.entry("ArrowUp", new Key("ArrowUp", "ArrowUp", 38, null)),
          Map.entry("ArrowDown", new Key("ArrowDown", "ArrowDown", 40, null)),
          Map.entry("ArrowLeft", new Key("ArrowLeft", "ArrowLeft", 37, null)),
          Map.entry("ArrowRight", new Key("ArrowRight", "ArrowRight", 39, null)),
          Map.entry("Home", new Key("Home", "Home", 36, null)),
          Map.entry("End", new Key("End", "End", 35, null)),
          Map.entry("PageUp", new Key("PageUp", "PageUp", 33, null)),
          Map.entry("PageDown", new Key("PageDown", "PageDown", 34, null)));

  /** The key named {@code name} (as config allows: a name above, or one character). */
  static Key of(String name) {
    Key named = NAMED.get(name);
    if (named != null) {
      return named;
    }
    String upper = name.toUpperCase(Locale.ROOT);
    char c = upper.charAt(0);
    String code =
        Character.isLetter(c) ? "Key" + upper : Character.isDigit(c) ? "Digit" + upper : "";
    int keyCode = Character.isLetterOrDigit(c) ? c : 0;
    return new Key(name, code, keyCode, name);
  }
}
