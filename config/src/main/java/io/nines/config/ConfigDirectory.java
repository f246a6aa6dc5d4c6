package io.nines.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A configuration directory that is read again on demand: {@link #reload()} reads its files, and
 * when their hash changed, loads them and makes the result current. A directory that no longer
 * loads leaves the current configuration in place. The caller drives reloads (e.g. on a timer every
 * second); this class starts no thread.
 *
 * <p>Thread-safe: {@link #current()} is a volatile read, cheap enough for every request; {@link
 * #reload()} is synchronized and blocking (it reads and parses files), so call it off the event
 * loop.
 */
public final class ConfigDirectory {

  /**
   * A loaded configuration and the files it was loaded from; {@code fleet.version().hash()} equals
   * {@code sources.hash()}.
   */
  public record Loaded(Fleet fleet, ConfigSources sources) {
    public Loaded {
      Objects.requireNonNull(fleet, "fleet");
      Objects.requireNonNull(sources, "sources");
    }
  }

  /**
   * What a {@link #reload()} did.
   *
   * @param outcome what happened
   * @param loaded the current configuration after it
   * @param problems why the directory was rejected (errors and warnings); empty otherwise
   */
  public record Reload(Outcome outcome, Loaded loaded, List<Problem> problems) {
    public Reload {
      problems = List.copyOf(problems);
    }
  }

  /** What a reload did. */
  public enum Outcome {
    /**
     * The files hash as the current configuration's, or as the last one rejected: nothing to do.
     */
    UNCHANGED,
    /** The files changed and loaded: they are current now. */
    APPLIED,
    /** The files changed but don't load (or can't be read): the current configuration stays. */
    REJECTED
  }

  private final Path dir;
  private final FleetLoader loader;
  private volatile Loaded current;
  private List<Problem> lastRejected = List.of();
  private String lastRejectedHash;

  private ConfigDirectory(Path dir, FleetLoader loader, Loaded current) {
    this.dir = dir;
    this.loader = loader;
    this.current = current;
  }

  /**
   * Loads {@code dir} for the first time. Blocking.
   *
   * @throws ConfigException with every problem when it does not load
   */
  public static ConfigDirectory open(Path dir, FleetLoader loader) throws ConfigException {
    ConfigSources sources = ConfigSources.read(dir);
    return new ConfigDirectory(dir, loader, new Loaded(loader.load(sources), sources));
  }

  /** The directory. */
  public Path dir() {
    return dir;
  }

  /** The configuration in force: the last one that loaded. */
  public Loaded current() {
    return current;
  }

  /** {@code current().fleet()}. */
  public Fleet fleet() {
    return current.fleet();
  }

  /** {@code current().sources()}. */
  public ConfigSources sources() {
    return current.sources();
  }

  /**
   * Reads the directory again and applies it if its files changed and load. The same broken files
   * are reported once ({@link Outcome#REJECTED}), then {@link Outcome#UNCHANGED} until they change.
   * Blocking.
   */
  public synchronized Reload reload() {
    ConfigSources sources;
    try {
      sources = ConfigSources.read(dir);
    } catch (ConfigException e) {
      return rejected(null, e.problems());
    }
    if (sources.hash().equals(current.sources().hash())) {
      lastRejectedHash = null;
      lastRejected = List.of();
      return new Reload(Outcome.UNCHANGED, current, List.of());
    }
    if (sources.hash().equals(lastRejectedHash)) {
      return new Reload(Outcome.UNCHANGED, current, List.of());
    }
    try {
      current = new Loaded(loader.load(sources), sources);
      lastRejectedHash = null;
      lastRejected = List.of();
      return new Reload(Outcome.APPLIED, current, List.of());
    } catch (ConfigException e) {
      return rejected(sources.hash(), e.problems());
    }
  }

  private Reload rejected(String hash, List<Problem> problems) {
    boolean same = hash == null ? lastRejectedHash == null && problems.equals(lastRejected) : false;
    lastRejectedHash = hash;
    lastRejected = problems;
    return same
        ? new Reload(Outcome.UNCHANGED, current, List.of())
        : new Reload(Outcome.REJECTED, current, problems);
  }
}
