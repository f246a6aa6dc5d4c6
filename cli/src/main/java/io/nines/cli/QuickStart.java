package io.nines.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.Agent;
import io.nines.agent.AgentOptions;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.ConfigException;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.alerting.Inbox;
import io.nines.demo.ShopServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Everything {@code nines up} starts, in one process: the demo shop, a coordinator, and one agent
 * for each location of the fleet, all on loopback.
 */
final class QuickStart {
  /** The variable in the example fleets that holds the shop's base URL. */
  static final String SHOP_VAR = "shop";

  /** The shop's {@code host:port}, for checks that speak gRPC or WebSocket to it. */
  static final String SHOP_ADDRESS_VAR = "shop-address";

  /** How often the configuration directory is read again. */
  static final long RELOAD_MILLIS = 1000;

  /** What to start. Port 0 picks a free port. */
  record Options(Path config, String host, int port, int shopPort) {}

  private final Options options;
  private final TimeSource time;
  private final Map<String, String> env;
  private Vertx vertx;
  private ShopServer shop;
  private Coordinator coordinator;
  private Inbox inbox;
  private final List<Agent> agents = new ArrayList<>();
  private ConfigDirectory config;
  private Consumer<ConfigDirectory.Reload> onReload = r -> {};
  private int coordinatorPort;
  private int shopPort;
  private Path spoolRoot;

  QuickStart(Options options, TimeSource time, Map<String, String> env) {
    this.options = options;
    this.time = time;
    this.env = env;
  }

  /**
   * Starts everything; blocks until it is up.
   *
   * @throws ConfigException when the configuration is invalid
   */
  void start() throws Exception {
    vertx = Vertx.vertx();
    try {
      shop = new ShopServer(vertx, time, new Random());
      shopPort =
          await(
              shop.start(options.host(), options.shopPort()), "the demo shop", options.shopPort());
      String shopUrl = "http://" + options.host() + ":" + shopPort;
      Map<String, String> agentEnv = new HashMap<>(env);
      agentEnv.putIfAbsent("SHOP_PROBE_PASSWORD", ShopServer.PROBE_PASSWORD);
      Map<String, String> vars =
          Map.of(SHOP_VAR, shopUrl, SHOP_ADDRESS_VAR, options.host() + ":" + shopPort);
      config = ConfigDirectory.open(options.config(), new FleetLoader(time, vars, agentEnv));
      Fleet fleet = config.fleet();
      String token = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
      inbox = new Inbox(time, 1000);
      coordinator =
          new Coordinator(
              CoordinatorOptions.builder()
                  .host(options.host())
                  .port(options.port())
                  .agentTokens(Set.of(token))
                  // Public read, decided here: everything listens on loopback only, and the
                  // printed dashboard URL must open without a token step. No read tokens means
                  // reads (and /metrics) are open, as 'nines coordinator --public-read'.
                  .config(config)
                  .timeSource(time)
                  .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                  .demoShopUrl(shopUrl)
                  .build(),
              // The demo delivers to an inbox the dashboard shows; acknowledging needs no token
              // because everything listens on loopback only.
              new AlertingOptions(inbox, Set.of(), 1000));
      coordinatorPort = await(coordinator.start(vertx), "the coordinator", options.port());
      // The demo's coordinator keeps nothing across runs, so its agents' spools are temporary.
      spoolRoot = Files.createTempDirectory("nines-up-spool");
      for (String location : fleet.locations()) {
        Agent agent =
            new Agent(
                vertx,
                AgentOptions.defaults(
                        "demo-" + location, location, List.of(coordinatorUrl()), token)
                    .withSpool(SpoolOptions.defaults(spoolRoot.resolve(location))),
                fleet,
                time,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                agentEnv,
                vars);
        await(agent.start(), "the agent for " + location, 0);
        agents.add(agent);
      }
      follow();
    } catch (Exception e) {
      stop();
      throw e;
    }
  }

  /** Called on a Vert.x worker after each reload that applied or rejected the directory. */
  void onReload(Consumer<ConfigDirectory.Reload> listener) {
    this.onReload = listener;
  }

  /**
   * Reads the configuration directory again every {@link #RELOAD_MILLIS} ms, as {@code nines
   * coordinator} does: the coordinator applies a changed directory, and the agents fetch it from
   * the coordinator and load it with the demo shop's real URL.
   */
  private void follow() {
    AtomicBoolean busy = new AtomicBoolean();
    vertx.setPeriodic(
        RELOAD_MILLIS,
        id -> {
          if (!busy.compareAndSet(false, true)) {
            return;
          }
          vertx.executeBlocking(
              () -> {
                try {
                  ConfigDirectory.Reload r = config.reload();
                  if (r.outcome() != ConfigDirectory.Outcome.UNCHANGED) {
                    onReload.accept(r);
                  }
                  return r;
                } finally {
                  busy.set(false);
                }
              },
              false);
        });
  }

  private static <T> T await(Future<T> future, String what, int port) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      String hint =
          port > 0 ? " (is port " + port + " taken? choose another with the options)" : "";
      throw new IllegalStateException(
          "can't start " + what + ": " + Main.messageOf(e.getCause()) + hint, e.getCause());
    }
  }

  void stop() {
    if (vertx != null) {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Stopping anyway.
      }
      vertx = null;
    }
    if (spoolRoot != null) {
      try (Stream<Path> files = Files.walk(spoolRoot)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      } catch (IOException e) {
        // A temporary directory; the OS cleans it eventually.
      }
      spoolRoot = null;
    }
  }

  /** The configuration in force: the directory's last version that loaded. */
  Fleet fleet() {
    return config.fleet();
  }

  List<Agent> agents() {
    return agents;
  }

  String coordinatorUrl() {
    return "http://" + options.host() + ":" + coordinatorPort;
  }

  /** Where the demo's notifications land. */
  Inbox inbox() {
    return inbox;
  }

  String shopUrl() {
    return "http://" + options.host() + ":" + shopPort;
  }
}
