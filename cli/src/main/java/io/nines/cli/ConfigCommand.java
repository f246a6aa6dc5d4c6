package io.nines.cli;

import io.nines.config.Fleet;
import io.nines.config.FleetDiff;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code nines config validate|diff}. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Validate a fleet configuration, or compare two versions of it.",
    subcommands = {ConfigCommand.Validate.class, ConfigCommand.Diff.class})
final class ConfigCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Loads every YAML file in DIR and reports every problem, with file, line and key path.",
        "Exits 0 when the configuration is valid (warnings allowed), 1 otherwise."
      })
  static final class Validate implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the configuration directory")
    Path dir;

    @Override
    public Integer call() {
      try {
        Fleet fleet = Fleets.load(dir, Map.of(), spec.commandLine().getErr());
        spec.commandLine()
            .getOut()
            .printf(
                "%s is valid: %d services, %d checks, %d teams, %d locations (version %s)%n",
                dir,
                fleet.services().size(),
                fleet.checks().size(),
                fleet.teams().size(),
                fleet.locations().size(),
                fleet.version().shortHash());
        return 0;
      } catch (Fleets.Invalid e) {
        return 1;
      }
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description =
          "Lists the services, checks, teams, routes and maintenance windows that were added (+),"
              + " removed (-) or changed (~) from OLD to NEW. Exits 0 when they are the same, 1"
              + " when they differ, 2 when either is invalid.")
  static final class Diff implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "the old configuration directory")
    Path oldDir;

    @Parameters(index = "1", paramLabel = "NEW", description = "the new configuration directory")
    Path newDir;

    @CommandLine.Option(names = "--json", description = "print the difference as JSON")
    boolean json;

    @Override
    public Integer call() {
      Fleet before;
      Fleet after;
      try {
        before = Fleets.load(oldDir, Map.of(), spec.commandLine().getErr());
        after = Fleets.load(newDir, Map.of(), spec.commandLine().getErr());
      } catch (Fleets.Invalid e) {
        return 2;
      }
      FleetDiff diff = FleetDiff.between(before, after);
      if (json) {
        spec.commandLine().getOut().println(diff.toJson().encodePrettily());
      } else if (diff.isEmpty()) {
        spec.commandLine().getOut().println("no differences");
      } else {
        diff.lines().forEach(spec.commandLine().getOut()::println);
      }
      return diff.isEmpty() ? 0 : 1;
    }
  }
}
