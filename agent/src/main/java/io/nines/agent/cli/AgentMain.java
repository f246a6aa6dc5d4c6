package io.nines.agent.cli;

import io.nines.common.Version;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * The entry point of the agent-only distribution ({@code bin/nines-agent}): the {@link
 * AgentCommand} alone, so that its class path needs the agent, config and common modules and their
 * dependencies, and nothing of the coordinator.
 *
 * <p>A command line that {@link AgentArgs} reads runs without picocli, whose classes then never
 * load; picocli reads every other one, and prints the help, the version and every usage error, also
 * those {@link AgentRun} finds in the values (a missing token, a batch size out of range).
 */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line; returns its exit code: 0 ok, 2 bad usage or a failed start. */
  public static int run(String... args) {
    return run(args, System.getenv());
  }

  /** As {@link #run(String...)}, with the flags' environment variables read from {@code env}. */
  static int run(String[] args, Map<String, String> env) {
    Optional<AgentRun> read = AgentArgs.read(args, env);
    if (read.isEmpty()) {
      return Picocli.execute(args);
    }
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    try {
      return read.get().run(out, err);
    } catch (AgentRun.UsageException e) {
      return Picocli.usageError(args, e.getMessage());
    } catch (Exception e) {
      err.println("error: " + messageOf(e));
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** What {@code nines-agent} says of a failed start: the message, else the exception's name. */
  static String messageOf(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** The command line by picocli; apart, so that loading AgentMain loads none of its classes. */
  static final class Picocli {
    private Picocli() {}

    static int execute(String[] args) {
      CommandLine cl = commandLine();
      try {
        return cl.execute(args);
      } finally {
        cl.getOut().flush();
        cl.getErr().flush();
      }
    }

    /** Prints {@code message} and the usage as picocli prints a usage error; returns its code. */
    static int usageError(String[] args, String message) {
      CommandLine cl = commandLine();
      try {
        return cl.getParameterExceptionHandler()
            .handleParseException(new CommandLine.ParameterException(cl, message), args);
      } catch (Exception e) {
        cl.getErr().println(message);
        return 2;
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
            line.getErr().println(line.getColorScheme().errorText("error: " + messageOf(ex)));
            return 2;
          });
      return cl;
    }
  }
}
