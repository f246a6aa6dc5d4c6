package io.nines.cli;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nines demo fault}. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Drive the ShopSmart demo shop that 'nines up' starts.",
    subcommands = {DemoCommand.FaultCmd.class})
final class DemoCommand implements Runnable {
  /** Where {@code nines up} starts the shop unless told otherwise ({@code --shop-port}). */
  static final String DEFAULT_SHOP = "http://127.0.0.1:8070";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "fault",
      mixinStandardHelpOptions = true,
      description = {
        "Injects a fault into one of the shop's services: login, catalog, search, cart, checkout,"
            + " payments, reviews, orders (its gRPC health and live WebSocket feed).",
        "MODE is outage (503 to every request), slow (adds --delay), errors (500 to --share of"
            + " requests), broken-ui or none (clears the fault).",
        "broken-ui applies to checkout only: the storefront's Place order button stops working"
            + " (its script no longer finds the button) while every HTTP endpoint still answers"
            + " 200, a failure only a browser check sees. Clear it with: checkout none."
      })
  static final class FaultCmd implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVICE")
    String service;

    @Parameters(index = "1", paramLabel = "MODE")
    String mode;

    @Option(
        names = "--for",
        paramLabel = "DURATION",
        converter = Durations.class,
        description = "how long the fault lasts, e.g. 2m; forever when absent")
    Duration duration;

    @Option(
        names = "--share",
        description = "with errors: the share of requests that fail (default 0.5)")
    double share = 0.5;

    @Option(
        names = "--delay",
        converter = Durations.class,
        description = "with slow: the added delay (default 3s)")
    Duration delay = Duration.ofSeconds(3);

    @Option(
        names = "--shop",
        paramLabel = "URL",
        defaultValue = "${env:NINES_SHOP:-" + DEFAULT_SHOP + "}",
        description = "the shop's base URL (default: ${DEFAULT-VALUE})")
    String shop;

    @Override
    public Integer call() throws Exception {
      JsonObject body =
          new JsonObject()
              .put("mode", mode)
              .put("share", share)
              .put("delayMillis", delay.toMillis())
              .put("forSeconds", duration == null ? 0 : duration.toSeconds());
      Vertx vertx = Vertx.vertx();
      // Held in a variable: Vert.x closes a client that nothing references any more.
      var client = vertx.createHttpClient();
      try {
        var response =
            client
                .request(
                    new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setAbsoluteURI(shop + "/demo/faults/" + service)
                        .putHeader("Content-Type", "application/json"))
                .compose(req -> req.send(Buffer.buffer(body.encode())))
                .compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b}))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        int status = (Integer) response[0];
        JsonObject answer = ((Buffer) response[1]).toJsonObject();
        if (status != 200) {
          spec.commandLine().getErr().println("error: " + answer.getString("message"));
          return 1;
        }
        spec.commandLine()
            .getOut()
            .println(
                service
                    + ": "
                    + answer.getString("mode")
                    + (answer.containsKey("until") ? " until " + answer.getString("until") : ""));
        return 0;
      } catch (java.util.concurrent.ExecutionException e) {
        spec.commandLine()
            .getErr()
            .println(
                "error: can't reach the shop at "
                    + shop
                    + " ("
                    + Main.messageOf(e.getCause())
                    + "); is 'nines up' running?");
        return 1;
      } finally {
        vertx.close();
      }
    }
  }
}
