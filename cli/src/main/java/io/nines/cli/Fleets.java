package io.nines.cli;

import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.ConfigException;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Loads a fleet for a command, printing problems the way {@code config validate} does. */
final class Fleets {
  private Fleets() {}

  /** Thrown after the problems were printed; the command exits 1. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid() {
      super(null, null, false, false);
    }
  }

  /**
   * Opens {@code dir} as a {@link ConfigDirectory} that the caller reloads, printing problems like
   * {@link #load}.
   */
  static ConfigDirectory open(Path dir, Map<String, String> vars, PrintWriter err) throws Invalid {
    if (!Files.isDirectory(dir)) {
      err.println(
          "error: "
              + dir
              + " is not a directory; give the directory that holds the fleet's YAML files");
      throw new Invalid();
    }
    try {
      ConfigDirectory config = ConfigDirectory.open(dir, new FleetLoader(TimeSource.SYSTEM, vars));
      for (Problem w : config.fleet().warnings()) {
        err.println(w.format());
      }
      return config;
    } catch (ConfigException e) {
      throw invalid(dir, e, err);
    }
  }

  private static Invalid invalid(Path dir, ConfigException e, PrintWriter err) {
    for (Problem p : e.problems()) {
      err.println(p.format());
    }
    long errors = e.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
    err.println(dir + ": " + errors + (errors == 1 ? " problem" : " problems"));
    return new Invalid();
  }

  static Fleet load(Path dir, Map<String, String> vars, PrintWriter err) throws Invalid {
    if (!Files.isDirectory(dir)) {
      err.println(
          "error: "
              + dir
              + " is not a directory; give the directory that holds the fleet's YAML files");
      throw new Invalid();
    }
    try {
      Fleet fleet = new FleetLoader(TimeSource.SYSTEM, vars).load(dir);
      for (Problem w : fleet.warnings()) {
        err.println(w.format());
      }
      return fleet;
    } catch (ConfigException e) {
      for (Problem p : e.problems()) {
        err.println(p.format());
      }
      long errors =
          e.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
      err.println(dir + ": " + errors + (errors == 1 ? " problem" : " problems"));
      throw new Invalid();
    }
  }
}
