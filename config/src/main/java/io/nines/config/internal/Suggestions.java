package io.nines.config.internal;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** "Did you mean" by edit distance, and short listings of what exists. */
public final class Suggestions {
  private static final int MAX_LISTED = 20;

  private Suggestions() {}

  /**
   * The candidate closest to {@code word}, when it is close enough to be a likely typo: a
   * case-insensitive match, or an optimal-string-alignment distance of at most 1 for words of up to
   * 3 characters, 2 up to 6, and 3 beyond.
   *
   * @return the suggestion, or null
   */
  public static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      if (c.equalsIgnoreCase(word)) {
        return c;
      }
      int d = distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int len = word.length();
    int allowed = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return bestDistance <= allowed ? best : null;
  }

  /** {@code "; did you mean 'x'?"} or the empty string. */
  public static String didYouMean(String word, Collection<String> candidates) {
    String s = closest(word, candidates);
    return s == null ? "" : "; did you mean '" + s + "'?";
  }

  /** {@code a, b, c} with at most 20 names, then {@code ... (N more)}; {@code none} if empty. */
  public static String list(Collection<String> names) {
    if (names.isEmpty()) {
      return "none";
    }
    List<String> all = List.copyOf(names);
    if (all.size() <= MAX_LISTED) {
      return String.join(", ", all);
    }
    return String.join(", ", all.subList(0, MAX_LISTED))
        + ", ... ("
        + (all.size() - MAX_LISTED)
        + " more)";
  }

  /** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
