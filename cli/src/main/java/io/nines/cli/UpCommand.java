package io.nines.cli;

import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.ConfigException;
import io.nines.config.FleetLoader;
import io.nines.config.Problem;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nines up}: the quickstart. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts everything on embedded defaults, on loopback: the ShopSmart demo shop, a"
          + " coordinator, and an agent for each location of the example fleet, which then probe"
          + " the shop. Prints the URLs to open. Stops on Ctrl-C."
    })
final class UpCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "DIR",
      description = "the fleet to run (default: config/examples/shopsmart)")
  Path config;

  @Option(
      names = "--port",
      defaultValue = "${env:NINES_PORT:-8080}",
      description = "the coordinator's port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--shop-port",
      defaultValue = "${env:NINES_SHOP_PORT:-8070}",
      description = "the demo shop's port (default: ${DEFAULT-VALUE})")
  int shopPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = config != null ? config : defaultConfig();
    QuickStart stack =
        new QuickStart(
            new QuickStart.Options(dir, "127.0.0.1", port, shopPort),
            TimeSource.SYSTEM,
            System.getenv());
    stack.onReload(
        r -> {
          String version = r.loaded().fleet().version().shortHash();
          if (r.outcome() == ConfigDirectory.Outcome.APPLIED) {
            out.printf("config version %s applied from %s%n", version, dir);
            out.flush();
          } else {
            err.println(
                "error: "
                    + dir
                    + " changed but does not load; config version "
                    + version
                    + " stays in force:");
            err.println(FleetLoader.formatProblems(r.problems()));
            err.flush();
          }
        });
    try {
      stack.start();
    } catch (ConfigException e) {
      for (Problem p : e.problems()) {
        err.println(p.format());
      }
      return 2;
    } catch (IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return 1;
    }
    for (Problem w : stack.fleet().warnings()) {
      err.println(w.format());
    }
    String api = stack.coordinatorUrl();
    out.println();
    out.println(
        "Nines is up: "
            + stack.fleet().services().size()
            + " services, "
            + stack.fleet().checks().size()
            + " checks, agents in "
            + String.join(", ", stack.fleet().locations())
            + ".");
    out.println();
    out.println("  Dashboard (open this)      " + api + "/ui/");
    out.println("  Public status page         " + api + "/status");
    out.println("  Services and availability  " + api + "/api/v1/services");
    out.println("  One service's availability " + api + "/api/v1/services/checkout/availability");
    out.println("  Recent results of a check  " + api + "/api/v1/checks/checkout-journey/results");
    out.println("  Incidents                  " + api + "/api/v1/incidents");
    out.println("  What each team received    " + api + "/api/v1/demo/inbox");
    out.println("  Coordinator metrics        " + api + "/metrics");
    out.println("  Readiness                  " + api + "/health/ready");
    out.println("  The demo shop              " + stack.shopUrl() + "/api/catalog");
    out.println("  The demo shop's storefront " + stack.shopUrl() + "/store/ (user demo)");
    out.println();
    out.println("Break something:  " + faultHint(stack.shopUrl()));
    out.println("Change something: edit the YAML in " + dir + "; changes apply within a second.");
    out.println("Stop with Ctrl-C.");
    out.flush();
    Processes.awaitShutdown(stack::stop);
    return 0;
  }

  /**
   * The banner's fault command: it names the shop when the shop is not where {@code nines demo
   * fault} looks by default, so that the hint works as printed.
   */
  static String faultHint(String shopUrl) {
    return "./nines demo fault payments outage --for 2m"
        + (shopUrl.equals(DemoCommand.DEFAULT_SHOP) ? "" : " --shop " + shopUrl);
  }

  /** The example fleet next to the launcher, or below the working directory. */
  static Path defaultConfig() {
    String home = System.getenv("NINES_HOME");
    Path base = home != null && !home.isBlank() ? Path.of(home) : Path.of("");
    Path dir = base.resolve("config/examples/shopsmart");
    if (!Files.isDirectory(dir)) {
      throw new CommandLine.ParameterException(
          new CommandLine(new UpCommand()),
          "can't find the example fleet at "
              + dir.toAbsolutePath()
              + "; run ./nines from the repository, or give --config DIR");
    }
    return dir;
  }
}
