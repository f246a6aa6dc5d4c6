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
        item.error("'" + text + "' at column " + e.column() + ": " + e.getMessage());
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
    // Provisional until AssertionParser.checkApplies lands from the assert branch.
    boolean ok =
        switch (a.subject().getClass().getSimpleName()) {
          case "Latency" -> true;
          case "Status", "Header", "BodyJson" ->
              checkType.equals("http") || checkType.equals("journey");
          case "Body" -> !checkType.equals("dns") && !checkType.equals("tls");
          case "CertDays" -> checkType.equals("tls");
          default -> checkType.equals("dns");
        };
    return ok ? null : "can't be used in a " + checkType + " check";
  }
}
