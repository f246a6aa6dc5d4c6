package io.nines.config;

import io.nines.common.TimeSource;
import io.nines.config.internal.Diagnostics;
import io.nines.config.internal.FleetBuilder;
import io.nines.config.internal.SourceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads a configuration directory into a {@link Fleet}, collecting every problem before failing
 * once. The format is described in {@code docs/config.md}; {@code config/schema/nines.schema.json}
 * is its JSON Schema.
 *
 * <p>Blocking: reads files. Call it from a worker thread, never an event loop. Instances are
 * immutable and may be shared.
 */
public final class FleetLoader {
  private final TimeSource time;
  private final Map<String, String> varOverrides;
  private final Map<String, String> env;

  /**
   * A loader that checks {@code ${env:NAME}} secrets against this process's environment.
   *
   * @param time stamps the loaded version
   * @param varOverrides replace values of {@code vars:} (e.g. the demo's real port), or add
   *     variables
   */
  public FleetLoader(TimeSource time, Map<String, String> varOverrides) {
    this(time, varOverrides, System.getenv());
  }

  /**
   * @param time stamps the loaded version
   * @param varOverrides replace values of {@code vars:}, or add variables
   * @param env the environment that {@code ${env:NAME}} secrets are looked up in, only to warn
   *     about unset ones; values are never read into the fleet
   */
  public FleetLoader(TimeSource time, Map<String, String> varOverrides, Map<String, String> env) {
    this.time = time;
    this.varOverrides = Map.copyOf(varOverrides);
    this.env = Map.copyOf(env);
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file below {@code dir}, recursively, in the order
   * of their relative paths; names starting with {@code .} are skipped.
   *
   * @return the fleet, with any warnings in {@link Fleet#warnings()}
   * @throws ConfigException listing every error and warning, by file and line; warnings alone do
   *     not throw
   */
  public Fleet load(Path dir) throws ConfigException {
    Diagnostics d = new Diagnostics();
    List<SourceFiles.SourceFile> files = SourceFiles.read(dir, d);
    FleetBuilder builder = new FleetBuilder(d, varOverrides, env);
    for (SourceFiles.SourceFile f : files) {
      builder.addFile(f.path(), f.root());
    }
    ConfigVersion version = new ConfigVersion(SourceFiles.hash(files), time.now());
    Fleet fleet = builder.build(version);
    if (d.hasErrors()) {
      throw new ConfigException(d.all());
    }
    return fleet;
  }

  /**
   * Loads a configuration from its source files, as {@link #load(Path)} loads the same files from a
   * directory: the fleets are equal but for {@link ConfigVersion#loadedAt()}. Problems name the
   * files by their {@link ConfigSources.File#path()}. Reads no files, but parsing a large
   * configuration takes a while: call it off the event loop. Secrets stay references; unset {@code
   * ${env:NAME}} ones are warned about against this loader's environment, i.e. the host that loads.
   *
   * @throws ConfigException listing every error and warning, by file and line
   */
  public Fleet load(ConfigSources sources) throws ConfigException {
    Diagnostics d = new Diagnostics();
    List<SourceFiles.SourceFile> files = new java.util.ArrayList<>();
    for (ConfigSources.File f : sources.files()) {
      byte[] bytes = f.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      files.add(new SourceFiles.SourceFile(f.path(), bytes, SourceFiles.parse(f.path(), bytes, d)));
    }
    if (files.isEmpty()) {
      d.error("(sources)", 0, "", "holds no files; a configuration needs at least one *.yaml file");
    }
    FleetBuilder builder = new FleetBuilder(d, varOverrides, env);
    for (SourceFiles.SourceFile f : files) {
      builder.addFile(f.path(), f.root());
    }
    Fleet fleet = builder.build(new ConfigVersion(sources.hash(), time.now()));
    if (d.hasErrors()) {
      throw new ConfigException(d.all());
    }
    return fleet;
  }

  /**
   * Formats problems for people, one per line as {@code file:line path message}, then a count such
   * as {@code 2 errors, 1 warning}; {@code no problems} when empty.
   */
  public static String formatProblems(List<Problem> problems) {
    StringBuilder sb = new StringBuilder();
    long errors = problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
    long warnings = problems.size() - errors;
    for (Problem p : problems) {
      sb.append(p.format()).append('\n');
    }
    if (problems.isEmpty()) {
      return "no problems";
    }
    sb.append(errors).append(errors == 1 ? " error" : " errors");
    sb.append(", ").append(warnings).append(warnings == 1 ? " warning" : " warnings");
    return sb.toString();
  }
}
