package io.nines.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nines incident list|ack}. */
@Command(
    name = "incident",
    mixinStandardHelpOptions = true,
    description = "List and acknowledge incidents on a coordinator.",
    subcommands = {IncidentCommand.ListCmd.class, IncidentCommand.Ack.class})
final class IncidentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Where the coordinator is and how to authenticate. */
  static final class Target {
    @Option(
        names = "--coordinator",
        paramLabel = "URL",
        defaultValue = "${env:NINES_COORDINATOR:-http://127.0.0.1:8080}",
        description = "the coordinator's URL (NINES_COORDINATOR; default: ${DEFAULT-VALUE})")
    String url;

    @Option(
        names = "--token",
        defaultValue = "${env:NINES_ADMIN_TOKEN}",
        description =
            "an admin token, needed to acknowledge when the coordinator has one (NINES_ADMIN_TOKEN)")
    String token;

    HttpRequest.Builder request(String path) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
              .timeout(Duration.ofSeconds(10));
      if (token != null && !token.isBlank()) {
        b.header("Authorization", "Bearer " + token.strip());
      }
      return b;
    }
  }

  static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  static String message(HttpResponse<String> r) {
    try {
      return new JsonObject(r.body()).getString("message", r.body());
    } catch (RuntimeException e) {
      return "HTTP " + r.statusCode();
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists incidents, newest first.")
  static final class ListCmd implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Target target = new Target();

    @Option(names = "--state", description = "open, resolved or all (default: ${DEFAULT-VALUE})")
    String state = "open";

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r;
      try {
        r =
            send(
                target
                    .request(
                        "/api/v1/incidents?state="
                            + URLEncoder.encode(state, StandardCharsets.UTF_8))
                    .GET()
                    .build());
      } catch (java.io.IOException e) {
        spec.commandLine()
            .getErr()
            .println(
                "error: can't reach the coordinator at " + target.url + ": " + Main.messageOf(e));
        return 1;
      }
      if (r.statusCode() != 200) {
        spec.commandLine().getErr().println("error: " + message(r));
        return 1;
      }
      JsonArray items = new JsonObject(r.body()).getJsonArray("items");
      if (items.isEmpty()) {
        spec.commandLine()
            .getOut()
            .println("no " + (state.equals("all") ? "" : state + " ") + "incidents");
      }
      for (int i = 0; i < items.size(); i++) {
        JsonObject inc = items.getJsonObject(i);
        spec.commandLine()
            .getOut()
            .printf(
                "%-32s %-13s %-12s since %s%s%n",
                inc.getString("id"),
                inc.getString("state"),
                inc.getString("service"),
                inc.getString("start"),
                inc.containsKey("rootCause")
                    ? "  (root cause: " + inc.getString("rootCause") + ")"
                    : "");
      }
      return 0;
    }
  }

  @Command(
      name = "ack",
      mixinStandardHelpOptions = true,
      description = "Acknowledges an incident: its escalation stops and PagerDuty is told.")
  static final class Ack implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin Target target = new Target();

    @Parameters(
        paramLabel = "ID",
        description = "the incident's id, as 'nines incident list' shows it")
    String id;

    @Option(
        names = "--by",
        description = "who acknowledges (default: the USER environment variable)")
    String by = System.getenv().getOrDefault("USER", "cli");

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r;
      try {
        r =
            send(
                target
                    .request(
                        "/api/v1/incidents/"
                            + URLEncoder.encode(id, StandardCharsets.UTF_8)
                            + "/ack")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            new JsonObject().put("by", by).encode()))
                    .build());
      } catch (java.io.IOException e) {
        spec.commandLine()
            .getErr()
            .println(
                "error: can't reach the coordinator at " + target.url + ": " + Main.messageOf(e));
        return 1;
      }
      if (r.statusCode() != 200) {
        spec.commandLine().getErr().println("error: " + message(r));
        return 1;
      }
      spec.commandLine().getOut().println("acknowledged " + id + " as " + by);
      return 0;
    }
  }
}
