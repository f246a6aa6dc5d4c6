package io.nines.config.internal;

import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.AssertionParser;
import io.nines.config.assertion.AssertionSyntaxException;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code expect:} lists with the assertion language, reporting each bad one. */
final class Assertions {
  private Assertions() {}

  /** The parsed assertions of {@code at}, a list of strings; bad ones are reported and left out. */
  static List<Assertion> list(At at, String checkType) {
    List<Assertion> out = new ArrayList<>();
    for (At item : at.items()) {
      String text = item.string();
      if (text == null) {
        continue;
      }
      Assertion a;
      try {
        a = AssertionParser.parse(text);
      } catch (AssertionSyntaxException e) {
        item.error("'" + text + "' at column " + e.column() + ": " + e.reason());
        continue;
      }
      String problem = applies(a, checkType);
      if (problem != null) {
        item.error("'" + text + "' " + problem);
        continue;
      }
      out.add(a);
    }
    return out;
  }

  /** Why {@code a} can't be used in a check of {@code checkType}, or null when it can. */
  private static String applies(Assertion a, String checkType) {
    try {
      AssertionParser.checkApplies(a, checkType);
      return null;
    } catch (AssertionSyntaxException e) {
      return "can't be used here: " + e.reason();
    }
  }
}
