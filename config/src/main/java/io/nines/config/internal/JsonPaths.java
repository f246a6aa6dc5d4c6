package io.nines.config.internal;

/**
 * Checks the JSONPath subset that extractions and assertions use: {@code $}, then any of {@code
 * .name}, {@code ['name']} and {@code [index]}.
 */
final class JsonPaths {
  private JsonPaths() {}

  /** Why {@code path} is not in the subset, or null when it is. */
  static String problem(String path) {
    if (!path.startsWith("$")) {
      return "it must start with $";
    }
    int i = 1;
    while (i < path.length()) {
      char c = path.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < path.length() && isNameChar(path.charAt(i))) {
          i++;
        }
        if (i == start) {
          return "a name must follow '.' at position " + start;
        }
      } else if (c == '[') {
        i++;
        if (i < path.length() && path.charAt(i) == '\'') {
          i++;
          while (i < path.length() && path.charAt(i) != '\'') {
            i += path.charAt(i) == '\\' ? 2 : 1;
          }
          if (i >= path.length()) {
            return "unterminated quoted name";
          }
          i++;
        } else {
          int start = i;
          while (i < path.length() && Character.isDigit(path.charAt(i))) {
            i++;
          }
          if (i == start) {
            return "expected an index or a quoted name after '[' at position " + start;
          }
        }
        if (i >= path.length() || path.charAt(i) != ']') {
          return "expected ']' at position " + (i + 1);
        }
        i++;
      } else {
        return "unexpected '" + c + "' at position " + (i + 1) + "; write .name, ['name'] or [0]";
      }
    }
    return null;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }
}
