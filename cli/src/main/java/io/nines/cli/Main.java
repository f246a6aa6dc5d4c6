package io.nines.cli;

import io.nines.agent.cli.AgentCommand;
import io.nines.common.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nines} command. */
@Command(
    name = "nines",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "Nines: synthetic probes from many locations, availability as nines, and pages.",
    subcommands = {
      UpCommand.class,
      CoordinatorCommand.class,
      AgentCommand.class,
      ConfigCommand.class,
      CheckCommand.class,
      DemoCommand.class,
      TokenCommand.class,
      IncidentCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code: 0 ok, 1 a failure found, 2 bad usage. */
  public static int run(String... args) {
    return run(commandLine(), args);
  }

  /**
   * Executes {@code cl}, then flushes its output and error writers: picocli's writers over the
   * standard streams flush only on a line end, and {@code main} exits right after, so text printed
   * without one (a CSV report's last line) would be lost.
   */
  static int run(CommandLine cl, String... args) {
    try {
      return cl.execute(args);
    } finally {
      cl.getOut().flush();
      cl.getErr().flush();
    }
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          line.getErr().println(line.getColorScheme().errorText("error: " + messageOf(ex)));
          return 2;
        });
    return cl;
  }

  static String messageOf(Throwable ex) {
    String m = ex.getMessage();
    return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"nines " + Version.current()};
    }
  }
}
