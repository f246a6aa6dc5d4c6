package io.nines.cli;

import io.nines.coordinator.fleet.AgentTokens;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nines token create|revoke}. */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description =
        "Issue and revoke agent and heartbeat tokens. The coordinator stores only their hashes.",
    subcommands = {TokenCommand.Create.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Creates a token for one agent, appends its hash to the token file and prints the token"
            + " once. Give the file to the coordinator (--agent-token-file) and the token to the"
            + " agent (NINES_TOKEN_FILE). The coordinator re-reads the file within seconds."
      })
  static final class Create implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--location", description = "the agent's location, e.g. eu-west")
    String location;

    @Option(
        names = "--heartbeat",
        paramLabel = "ID",
        description =
            "instead of an agent token, a token that may only ping heartbeat check ID"
                + " (POST /api/v1/heartbeats/ID)")
    String heartbeat;

    @Option(names = "--agent", description = "the agent's id (default: LOCATION-1)")
    String agent;

    @Option(
        names = "--file",
        required = true,
        defaultValue = "${env:NINES_AGENT_TOKEN_FILE}",
        description = "the coordinator's token file (NINES_AGENT_TOKEN_FILE)")
    Path file;

    @Override
    public Integer call() throws Exception {
      if ((heartbeat == null) == (location == null)) {
        spec.commandLine()
            .getErr()
            .println(
                "error: give --location LOCATION for an agent's token, or --heartbeat ID for a"
                    + " heartbeat check's token (one of them)");
        return 2;
      }
      if (heartbeat != null) {
        return heartbeatToken();
      }
      String id = agent == null ? location + "-1" : agent;
      AgentTokens.Created created;
      try {
        created = AgentTokens.create(id, location);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 2;
      }
      AgentTokens.append(file, created);
      spec.commandLine().getOut().println(created.token());
      spec.commandLine()
          .getErr()
          .println(
              "token for agent "
                  + id
                  + " in "
                  + location
                  + " added to "
                  + file
                  + "; it is shown only now");
      return 0;
    }

    private int heartbeatToken() throws Exception {
      AgentTokens.Created created;
      try {
        created = AgentTokens.createHeartbeat(heartbeat);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 2;
      }
      AgentTokens.append(file, created);
      spec.commandLine().getOut().println(created.token());
      spec.commandLine()
          .getErr()
          .println(
              "token for heartbeat "
                  + heartbeat
                  + " added to "
                  + file
                  + "; it is shown only now. It may only ping this heartbeat, e.g.: curl -fsS -m"
                  + " 10 --retry 5 -X POST -H \"Authorization: Bearer $TOKEN\""
                  + " https://COORDINATOR/api/v1/heartbeats/"
                  + heartbeat);
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revokes every token of an agent or a heartbeat; the coordinator refuses it within"
              + " seconds.")
  static final class Revoke implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--agent", description = "the agent's id")
    String agent;

    @Option(names = "--heartbeat", paramLabel = "ID", description = "a heartbeat check's id")
    String heartbeat;

    @Option(
        names = "--file",
        required = true,
        defaultValue = "${env:NINES_AGENT_TOKEN_FILE}",
        description = "the coordinator's token file (NINES_AGENT_TOKEN_FILE)")
    Path file;

    @Override
    public Integer call() throws Exception {
      if ((heartbeat == null) == (agent == null)) {
        spec.commandLine()
            .getErr()
            .println("error: give --agent ID or --heartbeat ID (one of them)");
        return 2;
      }
      String whose = agent != null ? "agent " + agent : "heartbeat " + heartbeat;
      int n =
          agent != null
              ? AgentTokens.revoke(file, agent)
              : AgentTokens.revokeHeartbeat(file, heartbeat);
      if (n == 0) {
        spec.commandLine().getErr().println("error: no active token of " + whose + " in " + file);
        return 1;
      }
      spec.commandLine()
          .getOut()
          .println("revoked " + n + (n == 1 ? " token" : " tokens") + " of " + whose);
      return 0;
    }
  }
}
