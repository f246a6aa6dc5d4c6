package io.nines.agent.cli;

import io.nines.common.Version;
import picocli.CommandLine;

/**
 * The entry point of the agent-only distribution ({@code bin/nines-agent}): the {@link
 * AgentCommand} alone, so that its class path needs the agent, config and common modules and their
 * dependencies, and nothing of the coordinator.
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line; returns its exit code: 0 ok, 2 bad usage or a failed start. */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    try {
      return cl.execute(args);
    } finally {
      cl.getOut().flush();
      cl.getErr().flush();
    }
  }

  /** The command as {@code nines-agent}, with a version, and errors printed as one line. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new AgentCommand());
    cl.setCommandName("nines-agent");
    cl.getCommandSpec().version("nines-agent " + Version.current());
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          String m = ex.getMessage();
          line.getErr()
              .println(
                  line.getColorScheme()
                      .errorText(
                          "error: "
                              + (m == null || m.isBlank() ? ex.getClass().getSimpleName() : m)));
          return 2;
        });
    return cl;
  }
}
