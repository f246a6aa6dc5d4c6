package io.nines.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nines coordinator}: one coordinator, until it is stopped. */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a coordinator: takes results from agents and serves availability, the API and"
          + " /metrics.",
      "Every option can also be given by the environment variable named in its description."
    })
final class CoordinatorCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "DIR",
      defaultValue = "${env:NINES_CONFIG}",
      required = true,
      description = "the fleet configuration directory (NINES_CONFIG)")
  Path config;

  @Option(
      names = "--host",
      defaultValue = "${env:NINES_HOST:-127.0.0.1}",
      description = "the interface to listen on (NINES_HOST; default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:NINES_PORT:-8080}",
      description = "the port to listen on; 0 picks one (NINES_PORT; default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--agent-token-file",
      paramLabel = "FILE",
      defaultValue = "${env:NINES_AGENT_TOKEN_FILE}",
      description =
          "a file with the tokens agents authenticate with, one a line (NINES_AGENT_TOKEN_FILE;"
              + " or NINES_AGENT_TOKEN with one token)")
  Path tokenFile;

  @Override
  public Integer call() throws Exception {
    Set<String> tokens = readTokens();
    Fleet fleet;
    try {
      fleet = Fleets.load(config, Map.of(), spec.commandLine().getErr());
    } catch (Fleets.Invalid e) {
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    Coordinator coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .host(host)
                .port(port)
                .agentTokens(tokens)
                .fleet(fleet)
                .timeSource(TimeSource.SYSTEM)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    int bound;
    try {
      bound =
          coordinator
              .start(vertx)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      vertx.close();
      spec.commandLine()
          .getErr()
          .println(
              "error: the coordinator can't listen on "
                  + host
                  + ":"
                  + port
                  + ": "
                  + Main.messageOf(e.getCause()));
      return 1;
    }
    spec.commandLine()
        .getOut()
        .printf(
            "coordinator listening on http://%s:%d (config version %s)%n",
            host, bound, fleet.version().shortHash());
    spec.commandLine().getOut().flush();
    Processes.awaitShutdown(
        () -> {
          coordinator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
          vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    return 0;
  }

  private Set<String> readTokens() {
    if (tokenFile != null) {
      try {
        Set<String> tokens =
            Arrays.stream(Files.readString(tokenFile, StandardCharsets.UTF_8).split("\n"))
                .map(String::strip)
                .filter(s -> !s.isEmpty() && !s.startsWith("#"))
                .collect(Collectors.toSet());
        if (tokens.isEmpty()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "the token file " + tokenFile + " holds no token");
        }
        return tokens;
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "can't read the token file " + tokenFile + ": " + e.getMessage());
      }
    }
    String token = System.getenv("NINES_AGENT_TOKEN");
    if (token != null && !token.isBlank()) {
      return Set.of(token.strip());
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "the coordinator needs the agents' token: give --agent-token-file FILE, or set"
            + " NINES_AGENT_TOKEN_FILE or NINES_AGENT_TOKEN");
  }
}
