package io.nines.config.internal;

import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a {@code journey:}: a list of named requests run in order, where a step may use only what
 * earlier steps extracted.
 */
final class JourneyReader {
  private final RequestReader requests;

  JourneyReader(RequestReader requests) {
    this.requests = requests;
  }

  CheckSpec read(At at, HttpOptions options) {
    if (!(at.node() instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      at.mustBe("a list of at least one step, each a request with a name");
      return null;
    }
    List<At> items = at.items();
    // Which step extracts what, so that a use before the extraction gets a precise message.
    List<Set<String>> extractedBy = new ArrayList<>();
    List<String> stepNames = new ArrayList<>();
    for (At item : items) {
      extractedBy.add(extractionNames(item));
      stepNames.add(stepName(item));
    }
    List<Request> steps = new ArrayList<>();
    Map<String, At> names = new HashMap<>();
    Set<String> extracted = new HashSet<>();
    boolean broken = false;
    for (int i = 0; i < items.size(); i++) {
      Map<String, String> later = new HashMap<>();
      for (int j = items.size() - 1; j >= i; j--) {
        for (String v : extractedBy.get(j)) {
          later.put(v, stepNames.get(j) == null ? "#" + (j + 1) : stepNames.get(j));
        }
      }
      later.keySet().removeAll(extracted);
      At item = items.get(i);
      Request r =
          requests.request(
              item, "journey", null, new LoadContext.Scope(Set.copyOf(extracted), later), true);
      RequestReader.warnRedirectOnlyStatus(item, options);
      extracted.addAll(extractedBy.get(i));
      if (r == null) {
        broken = true;
        continue;
      }
      At previous = names.putIfAbsent(r.name(), item);
      if (previous != null) {
        item.error(
            "is named '"
                + r.name()
                + "', like the step at line "
                + previous.line()
                + "; step names must be unique within a journey");
      }
      steps.add(r);
    }
    return broken ? null : new CheckSpec.Journey(steps, options);
  }

  private static Set<String> extractionNames(At item) {
    Set<String> out = new LinkedHashSet<>();
    if (item.node() instanceof MappingNode m) {
      m.getValue().stream()
          .filter(t -> t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("extract"))
          .map(t -> t.getValueNode())
          .filter(v -> v instanceof MappingNode)
          .flatMap(v -> ((MappingNode) v).getValue().stream())
          .map(t -> t.getKeyNode())
          .filter(k -> k instanceof ScalarNode)
          .forEach(k -> out.add(((ScalarNode) k).getValue()));
    }
    return out;
  }

  private static String stepName(At item) {
    if (item.node() instanceof MappingNode m) {
      for (var t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals("name")
            && t.getValueNode() instanceof ScalarNode v) {
          return v.getValue();
        }
      }
    }
    return null;
  }
}
