package io.nines.config.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * A YAML event stream that stops at the first event passing one of the loader's limits, before the
 * composer builds anything from it: nesting depth (also through aliases), scalar length, aliases to
 * collections and the nodes aliases add. It follows the key path as it goes, so that a refusal
 * names the file's line and key path like every other problem.
 *
 * <p>The SnakeYAML parser is iterative but its composer recurses once per nesting level, so an
 * unbounded depth overflows the stack; checking here, one event at a time, keeps every later
 * recursion over the node tree within {@link #MAX_DEPTH} too. One instance per document; not
 * thread-safe.
 */
final class BoundedParser implements Parser {
  /** Lists and mappings within each other, counting the nodes aliases stand for. */
  static final int MAX_DEPTH = 64;

  /** Characters in one scalar (a key or value). */
  static final int MAX_SCALAR_CHARS = 64 * 1024;

  /** Aliases to lists or mappings in one file (SnakeYAML's own default). */
  static final int MAX_COLLECTION_ALIASES = 50;

  /** Nodes that aliases add to one file when expanded; stops "billion laughs" documents. */
  static final long MAX_ALIAS_NODES = 100_000;

  private static final int SHOWN_KEY_CHARS = 60;

  /** Why composing stopped: a problem at a line and key path. */
  static final class LimitPassed extends RuntimeException {
    private final int line;
    private final String path;

    LimitPassed(int line, String path, String message) {
      super(message, null, false, false);
      this.line = line;
      this.path = path;
    }

    int line() {
      return line;
    }

    String path() {
      return path;
    }
  }

  /** A list or mapping being read. */
  private static final class Open {
    final boolean mapping;
    final String path;
    final String anchor;
    final int depth;
    final long nodesBefore;
    int deepest;
    int index;
    boolean expectKey = true;
    String key = "?";

    Open(boolean mapping, String path, String anchor, int depth, long nodesBefore) {
      this.mapping = mapping;
      this.path = path;
      this.anchor = anchor;
      this.depth = depth;
      this.nodesBefore = nodesBefore;
      this.deepest = depth;
    }
  }

  /**
   * What an anchor stands for.
   *
   * @param nodes how many nodes it expands to, itself included
   * @param height how many levels of lists and mappings it holds (0 for a scalar)
   */
  private record Anchored(long nodes, int height) {}

  private final Parser delegate;
  private final Deque<Open> open = new ArrayDeque<>();
  private final Map<String, Anchored> anchors = new HashMap<>();
  private long nodes;
  private long aliasNodes;
  private int collectionAliases;

  BoundedParser(Parser delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean checkEvent(Event.ID id) {
    return delegate.checkEvent(id);
  }

  @Override
  public Event peekEvent() {
    return delegate.peekEvent();
  }

  @Override
  public boolean hasNext() {
    return delegate.hasNext();
  }

  @Override
  public Event next() {
    Event event = delegate.next();
    switch (event.getEventId()) {
      case DocumentStart -> {
        open.clear();
        anchors.clear();
        nodes = 0;
        aliasNodes = 0;
        collectionAliases = 0;
      }
      case Scalar -> scalar((ScalarEvent) event);
      case Alias -> alias((AliasEvent) event);
      case SequenceStart, MappingStart -> start((CollectionStartEvent) event);
      case SequenceEnd, MappingEnd -> end();
      default -> {}
    }
    return event;
  }

  private void scalar(ScalarEvent event) {
    String value = event.getValue();
    if (value.length() > MAX_SCALAR_CHARS) {
      throw new LimitPassed(
          line(event),
          childPath(),
          "was a value of "
              + value.length()
              + " characters but it must be at most "
              + MAX_SCALAR_CHARS
              + " characters");
    }
    nodes++;
    anchor(event).ifPresent(a -> anchors.put(a, new Anchored(1, 0)));
    completed(value);
  }

  private void alias(AliasEvent event) {
    String name = event.getAlias().getValue();
    Anchored target = anchors.get(name);
    String path = childPath();
    boolean inOwnAnchor = target == null && open.stream().anyMatch(o -> name.equals(o.anchor));
    if (inOwnAnchor || (target != null && target.height() > 0)) {
      // Counted as the composer counts them, so that its own limit (which names no line) is
      // never the one reached.
      collectionAliases++;
      if (collectionAliases > MAX_COLLECTION_ALIASES) {
        throw new LimitPassed(
            line(event),
            path,
            "was *"
                + name
                + ", alias number "
                + collectionAliases
                + " to a list or mapping in this file, but a file may hold at most "
                + MAX_COLLECTION_ALIASES
                + "; write the values out or split the file");
      }
    }
    if (target == null) {
      // Undefined, or an alias inside its own anchor: the composer and the loop check report them.
      completed(null);
      return;
    }
    int depth = open.size() + target.height();
    if (depth > MAX_DEPTH) {
      throw new LimitPassed(
          line(event),
          path,
          "was *"
              + name
              + ", which nests lists and mappings "
              + depth
              + " deep here, but they must be nested at most "
              + MAX_DEPTH
              + " deep");
    }
    aliasNodes += target.nodes();
    if (aliasNodes > MAX_ALIAS_NODES) {
      throw new LimitPassed(
          line(event),
          path,
          "was *"
              + name
              + ", which brings the nodes that aliases add to this file to "
              + aliasNodes
              + ", but aliases may add at most "
              + MAX_ALIAS_NODES
              + " (nested aliases multiply)");
    }
    nodes += target.nodes();
    Open parent = open.peek();
    if (parent != null) {
      parent.deepest = Math.max(parent.deepest, depth);
    }
    completed(null);
  }

  private void start(CollectionStartEvent event) {
    String path = childPath();
    int depth = open.size() + 1;
    if (depth > MAX_DEPTH) {
      throw new LimitPassed(
          line(event),
          path,
          "was "
              + (event.getEventId() == Event.ID.MappingStart ? "a mapping" : "a list")
              + " nested "
              + depth
              + " deep but lists and mappings must be nested at most "
              + MAX_DEPTH
              + " deep");
    }
    nodes++;
    open.push(
        new Open(
            event.getEventId() == Event.ID.MappingStart,
            path,
            anchor(event).orElse(null),
            depth,
            nodes));
  }

  private void end() {
    Open done = open.poll();
    if (done == null) {
      return;
    }
    if (done.anchor != null) {
      anchors.put(
          done.anchor, new Anchored(nodes - done.nodesBefore + 1, done.deepest - done.depth + 1));
    }
    Open parent = open.peek();
    if (parent != null) {
      parent.deepest = Math.max(parent.deepest, done.deepest);
    }
    completed(null);
  }

  /** Moves the enclosing list or mapping past a node; {@code scalar} is its text, if a scalar. */
  private void completed(String scalar) {
    Open parent = open.peek();
    if (parent == null) {
      return;
    }
    if (!parent.mapping) {
      parent.index++;
    } else if (parent.expectKey) {
      parent.key = scalar == null ? "?" : shown(scalar);
      parent.expectKey = false;
    } else {
      parent.expectKey = true;
    }
  }

  /** The key path of the node that starts now; a mapping key is reported at its mapping. */
  private String childPath() {
    Open parent = open.peek();
    if (parent == null) {
      return "";
    }
    if (!parent.mapping) {
      return parent.path + "[" + parent.index + "]";
    }
    if (parent.expectKey) {
      return parent.path;
    }
    return parent.path.isEmpty() ? parent.key : parent.path + "." + parent.key;
  }

  private static String shown(String key) {
    return key.length() > SHOWN_KEY_CHARS ? key.substring(0, SHOWN_KEY_CHARS) + "..." : key;
  }

  private static Optional<String> anchor(NodeEvent event) {
    return event.getAnchor().map(Anchor::getValue);
  }

  private static int line(Event event) {
    return event.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }
}
