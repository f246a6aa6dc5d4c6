package io.nines.config.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code vars:}: plain-text variables that templates use as {@code ${name}}, each defined
 * once over all files, then replaced or added to by the overrides.
 */
final class VarsReader {
  private final LoadContext ctx;
  private final List<At> sections;
  private final Map<String, String> varOverrides;

  VarsReader(LoadContext ctx, List<At> sections, Map<String, String> varOverrides) {
    this.ctx = ctx;
    this.sections = sections;
    this.varOverrides = varOverrides;
  }

  void read() {
    Map<String, At> defined = new HashMap<>();
    for (At section : sections) {
      for (Map.Entry<String, At> e : section.entries().entrySet()) {
        String name = e.getKey();
        At v = e.getValue();
        if (!Templates.VAR_NAME.matcher(name).matches()) {
          v.error(
              "is not a variable name (letters, digits, '_' and '-', starting with a letter or"
                  + " '_')");
          continue;
        }
        if (Definitions.twice(defined, name, v, "variable")) {
          continue;
        }
        String value = v.text();
        if (value == null) {
          continue;
        }
        if (value.contains("${")) {
          v.error(
              "holds a reference ('${'); variables are plain text, so write the reference where"
                  + " the variable is used");
          continue;
        }
        ctx.vars.put(name, value);
      }
    }
    ctx.vars.putAll(varOverrides);
  }
}
