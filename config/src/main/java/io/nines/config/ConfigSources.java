package io.nines.config;

import io.nines.config.internal.Diagnostics;
import io.nines.config.internal.SourceFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The source files of one configuration, as text, with their version hash: what a coordinator sends
 * its agents so that they load the configuration it runs ({@link FleetLoader#load(
 * ConfigSources)}). Secrets stay references ({@code ${env:NAME}}, {@code ${file:path}}): the files
 * are sent as written, and each agent resolves them on its own host.
 *
 * <p>Immutable. The hash is the one {@link FleetLoader#load(Path)} gives the same files, so a fleet
 * loaded from a directory and one loaded from its sources have equal {@link ConfigVersion#hash()}.
 */
public final class ConfigSources {

  /**
   * One file.
   *
   * @param path relative to the configuration directory, with {@code /} separators, e.g. {@code
   *     checks/shop.yaml}; problems name it
   * @param text its content
   */
  public record File(String path, String text) {
    public File {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(text, "text");
      if (path.isBlank()) {
        throw new IllegalArgumentException("path: '' (expected: a file name such as fleet.yaml)");
      }
    }
  }

  private final List<File> files;
  private final String hash;

  private ConfigSources(List<File> files) {
    this.files = List.copyOf(files);
    List<SourceFiles.SourceFile> raw = new ArrayList<>();
    for (File f : this.files) {
      raw.add(
          new SourceFiles.SourceFile(f.path(), f.text().getBytes(StandardCharsets.UTF_8), null));
    }
    this.hash = SourceFiles.hash(raw);
  }

  /**
   * Sources of these files, in this order (the order the loader reads them in).
   *
   * @throws IllegalArgumentException when two files have one path
   */
  public static ConfigSources of(List<File> files) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (File f : files) {
      if (!seen.add(f.path())) {
        throw new IllegalArgumentException(
            "files: '" + f.path() + "' appears twice (expected: each path once)");
      }
    }
    return new ConfigSources(files);
  }

  /**
   * Reads the {@code *.yaml} and {@code *.yml} files of {@code dir} as {@link FleetLoader#load(
   * Path)} does (recursively, sorted by relative path, skipping names starting with {@code .}).
   * Blocking.
   *
   * @throws ConfigException when the directory is missing or empty, or a file can't be read, is
   *     larger than 1 MiB or is not UTF-8 text; every such problem is listed, by file and line
   */
  public static ConfigSources read(Path dir) throws ConfigException {
    Diagnostics d = new Diagnostics();
    List<File> files = new ArrayList<>();
    for (SourceFiles.SourceFile f : SourceFiles.list(dir, d)) {
      String text = SourceFiles.decode(f.path(), f.bytes(), d);
      if (text != null) {
        files.add(new File(f.path(), text));
      }
    }
    if (d.hasErrors()) {
      throw new ConfigException(d.all());
    }
    return new ConfigSources(files);
  }

  /** The files, in load order. */
  public List<File> files() {
    return files;
  }

  /** Hex SHA-256 over the files' paths and contents: the {@link ConfigVersion#hash()}. */
  public String hash() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigSources s && s.files.equals(files);
  }

  @Override
  public int hashCode() {
    return files.hashCode();
  }

  @Override
  public String toString() {
    return "ConfigSources[" + files.size() + " files, hash " + hash + "]";
  }
}
