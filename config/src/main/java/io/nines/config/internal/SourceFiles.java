package io.nines.config.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** Finds, reads, parses and hashes the files of a configuration directory. Blocking. */
public final class SourceFiles {

  /**
   * One file of the configuration.
   *
   * @param path relative to the configuration directory, with {@code /} separators
   * @param bytes the content
   * @param root the document's root node, or null when the file is empty or does not parse
   */
  public record SourceFile(String path, byte[] bytes, Node root) {}

  private SourceFiles() {}

  /**
   * Reads every {@code *.yaml} and {@code *.yml} file below {@code dir}, sorted by relative path.
   * Files and directories whose names start with {@code .} are skipped. Read and syntax errors are
   * reported to {@code d}; such files come back with a null root.
   */
  public static List<SourceFile> read(Path dir, Diagnostics d) {
    List<SourceFile> out = new ArrayList<>();
    for (SourceFile f : list(dir, d)) {
      out.add(new SourceFile(f.path(), f.bytes(), parse(f.path(), f.bytes(), d)));
    }
    return out;
  }

  /**
   * Reads the files {@link #read} would, without parsing them: every root is null. Read errors are
   * reported to {@code d}, and such files are left out.
   */
  public static List<SourceFile> list(Path dir, Diagnostics d) {
    List<SourceFile> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      d.error(
          dir.toString(),
          0,
          "",
          Files.exists(dir)
              ? "is not a directory; point at the directory that holds the *.yaml files"
              : "does not exist");
      return out;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> isYaml(p) && !hidden(dir.relativize(p)))
              .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
              .toList();
    } catch (IOException | RuntimeException e) {
      d.error(dir.toString(), 0, "", "can't be listed: " + e.getMessage());
      return out;
    }
    if (files.isEmpty()) {
      d.error(dir.toString(), 0, "", "holds no *.yaml or *.yml files");
    }
    for (Path p : files) {
      String rel = relative(dir, p);
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(p);
      } catch (IOException e) {
        d.error(rel, 0, "", "can't be read: " + e.getClass().getSimpleName());
        continue;
      }
      out.add(new SourceFile(rel, bytes, null));
    }
    return out;
  }

  /** Parses one file's content to its root node; null when empty or on an error reported. */
  public static Node parse(String rel, byte[] bytes, Diagnostics d) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      d.error(rel, 0, "", "is not valid UTF-8 text");
      return null;
    }
    LoadSettings settings =
        LoadSettings.builder().setLabel(rel).setMaxAliasesForCollections(50).build();
    try {
      Iterator<Node> docs = new Compose(settings).composeAllFromString(text).iterator();
      if (!docs.hasNext()) {
        return null;
      }
      Node root = docs.next();
      if (docs.hasNext()) {
        Node second = docs.next();
        int line = second.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        d.error(
            rel,
            line,
            "",
            "starts a second YAML document ('---'); write one document per file and split the"
                + " rest into other files");
      }
      Node loop =
          findLoop(
              root,
              Collections.newSetFromMap(new IdentityHashMap<>()),
              Collections.newSetFromMap(new IdentityHashMap<>()));
      if (loop != null) {
        d.error(
            rel,
            loop.getStartMark().map(m -> m.getLine() + 1).orElse(0),
            "",
            "holds an alias that refers to a node containing itself; recursive structures are"
                + " not allowed");
        return null;
      }
      return root;
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
      int line = mark == null ? 0 : mark.getLine() + 1;
      String where = mark == null ? "" : " (column " + (mark.getColumn() + 1) + ")";
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      d.error(rel, line, "", "is not valid YAML: " + context + e.getProblem() + where);
      return null;
    } catch (YamlEngineException e) {
      d.error(rel, 0, "", "is not valid YAML: " + e.getMessage());
      return null;
    }
  }

  /**
   * A node that contains itself through aliases, or null. Each node is visited once, so shared
   * aliases cost nothing extra.
   */
  private static Node findLoop(Node node, Set<Node> onPath, Set<Node> done) {
    if (done.contains(node)) {
      return null;
    }
    if (!onPath.add(node)) {
      return node;
    }
    List<Node> children = new ArrayList<>();
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        children.add(t.getKeyNode());
        children.add(t.getValueNode());
      }
    } else if (node instanceof SequenceNode s) {
      children.addAll(s.getValue());
    }
    for (Node child : children) {
      Node loop = findLoop(child, onPath, done);
      if (loop != null) {
        return loop;
      }
    }
    onPath.remove(node);
    done.add(node);
    return null;
  }

  /**
   * Hex SHA-256 over, for each file in order, its relative path, a NUL byte, its content and a NUL
   * byte. Neither paths nor YAML text hold NUL, so distinct trees give distinct inputs.
   */
  public static String hash(List<SourceFile> files) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    for (SourceFile f : files) {
      sha.update(f.path().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(f.bytes());
      sha.update((byte) 0);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static boolean isYaml(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private static boolean hidden(Path rel) {
    for (Path part : rel) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static String relative(Path dir, Path p) {
    return dir.relativize(p).toString().replace('\\', '/');
  }
}
