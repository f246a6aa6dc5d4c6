package io.nines.config.assertion;

/** Quoting, shortening and describing text for printing and for messages. */
final class Text {
  private Text() {}

  /**
   * {@code value} in {@code quote} quotes, escaped so that the parser reads it back unchanged: the
   * quote gets a backslash, newline, tab and return their usual escapes, other control characters
   * {@code \}{@code uXXXX}. A backslash is doubled only where the parser would otherwise read an
   * escape, so regular expressions print as people write them ({@code "^\d+$"}).
   */
  static String quote(String value, char quote) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append(quote);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        int run = 1;
        while (i + run < value.length() && value.charAt(i + run) == '\\') {
          run++;
        }
        boolean alone = run == 1 && i + 1 < value.length() && !startsEscape(value.charAt(i + 1));
        // a lone backslash before a letter that is no escape reads as written, as in "^\d+$"
        sb.append(alone ? "\\" : "\\\\".repeat(run));
        i += run - 1;
      } else if (c == quote) {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append(quote).toString();
  }

  /**
   * Whether a backslash printed just before {@code next} would read as an escape: {@code next} is
   * one of the escape letters or prints itself starting with a backslash.
   */
  private static boolean startsEscape(char next) {
    return "\"'\\ntru".indexOf(next) >= 0 || next < 0x20 || next == 0x7f;
  }

  /**
   * {@code text} cut to at most {@code max} characters, ending in {@code ...} when cut; never
   * splits a surrogate pair.
   */
  static String shorten(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 3;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "...";
  }

  /**
   * A code point for a message: itself, or {@code \}{@code uXXXX} when it is a control character.
   */
  static String printable(int codePoint) {
    if (Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)) {
      return String.format("\\u%04x", codePoint);
    }
    return new String(Character.toChars(codePoint));
  }

  /** {@code text} with control characters escaped, for quoting user input in messages. */
  static String printable(String text) {
    StringBuilder sb = new StringBuilder();
    text.codePoints().forEach(cp -> sb.append(cp == ' ' ? " " : printable(cp)));
    return sb.toString();
  }
}
