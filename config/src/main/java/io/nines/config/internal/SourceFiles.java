package io.nines.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
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
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

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

  /** The largest file read: 1 MiB. Larger ones are refused before they are decoded or parsed. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

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
      try (InputStream in = Files.newInputStream(p)) {
        // Reads one byte past the limit, never the whole of a file that is too large.
        bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      } catch (IOException e) {
        d.error(rel, 0, "", "can't be read: " + e.getClass().getSimpleName());
        continue;
      }
      if (tooLarge(rel, bytes, d)) {
        continue;
      }
      out.add(new SourceFile(rel, bytes, null));
    }
    return out;
  }

  /**
   * Parses one file's content to its root node; null when empty or on an error reported. Every
   * problem names the line: a file larger than {@link #MAX_FILE_BYTES}, bytes that are not UTF-8,
   * characters YAML does not allow, syntax errors, and the limits on nesting, scalar length and
   * aliases, which stop the parse at the first event that passes them.
   */
  public static Node parse(String rel, byte[] bytes, Diagnostics d) {
    if (tooLarge(rel, bytes, d)) {
      return null;
    }
    String text = decode(rel, bytes, d);
    if (text == null || !printable(rel, text, d)) {
      return null;
    }
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(rel)
            .setMaxAliasesForCollections(BoundedParser.MAX_COLLECTION_ALIASES)
            .setCodePointLimit(MAX_FILE_BYTES + 1)
            // The reader copies its unread window on every refill: one refill for the whole text
            // keeps a long token's scan linear instead of quadratic.
            .setBufferSize(text.length() + 1)
            .build();
    try {
      Iterator<Node> docs =
          new Composer(
              settings,
              new BoundedParser(new ParserImpl(settings, new StreamReader(settings, text))));
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
    } catch (BoundedParser.LimitPassed e) {
      d.error(rel, e.line(), e.path(), e.getMessage());
      return null;
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

  /** Reports a file larger than {@link #MAX_FILE_BYTES} at the line where it passes the limit. */
  private static boolean tooLarge(String rel, byte[] bytes, Diagnostics d) {
    if (bytes.length <= MAX_FILE_BYTES) {
      return false;
    }
    d.error(
        rel,
        lineAt(bytes, MAX_FILE_BYTES),
        "",
        "passes "
            + MAX_FILE_BYTES
            + " bytes on this line but a file must be at most "
            + MAX_FILE_BYTES
            + " bytes (1 MiB); split the configuration into several files");
    return true;
  }

  /**
   * The file's text, or null after reporting the first byte that is not UTF-8, at its line and
   * column.
   */
  public static String decode(String rel, byte[] bytes, Diagnostics d) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int at = in.position();
      int lineStart = at;
      while (lineStart > 0 && bytes[lineStart - 1] != '\n') {
        lineStart--;
      }
      d.error(
          rel,
          lineAt(bytes, at),
          "",
          String.format(
              "is not valid UTF-8 text: byte %d of this line, 0x%02X, is not UTF-8 (a Latin-1"
                  + " or Windows-1252 accent is a common cause); save the file as UTF-8",
              at - lineStart + 1, bytes[at] & 0xff));
      return null;
    }
    return out.flip().toString();
  }

  /**
   * Reports the first character YAML does not allow in a file (control characters such as NUL), at
   * its line and column, before the parser would refuse it without one.
   */
  private static boolean printable(String rel, String text, Diagnostics d) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      if (!StreamReader.isPrintable(c)) {
        d.error(
            rel,
            line,
            "",
            String.format(
                "holds the control character U+%04X at column %d, but YAML text must be"
                    + " printable; write it as an escape such as \\u%04X in a double-quoted"
                    + " string",
                c, column, c));
        return false;
      }
      if (c == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
      i += Character.charCount(c);
    }
    return true;
  }

  /** 1-based line of byte {@code offset}. */
  private static int lineAt(byte[] bytes, int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
      }
    }
    return line;
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
