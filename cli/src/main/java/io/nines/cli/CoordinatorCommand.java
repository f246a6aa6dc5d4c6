package io.nines.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.channels.SmtpSettings;
import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.alerting.ChannelSender;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.cluster.ClusterOptions;
import io.nines.store.Backend;
import io.nines.store.JdbcBackend;
import io.nines.store.MemoryBackend;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.jdbc.RetentionTask;
import io.nines.store.results.JdbcResultStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
      "Every option can also be given by the environment variable named in its description.",
      "Tokens: agents post with agent tokens (--agent-token-file, or NINES_AGENT_TOKEN shared);"
          + " changes (acknowledging incidents, maintenance windows) need an admin token"
          + " (NINES_ADMIN_TOKEN_FILE or NINES_ADMIN_TOKEN, required); reading the API and"
          + " /metrics needs a read or admin token (--read-token-file, NINES_READ_TOKEN) unless"
          + " --public-read says that anyone who reaches the port may read. One of the two is"
          + " required. The status page and /health/* are always public. See docs/api.md.",
      "Results are kept in an H2 file under --data-dir (or the database NINES_DB_URL names) and"
          + " acknowledged once written there; --in-memory keeps them in memory only. See"
          + " docs/storage.md.",
      "Cluster mode: give --cluster-members (host:port,...), --cluster-discovery kubernetes or"
          + " --cluster-name; see docs/cluster.md. Email: NINES_SMTP_HOST, NINES_SMTP_PORT, NINES_SMTP_FROM,"
          + " NINES_SMTP_STARTTLS (DISABLED, OPTIONAL, REQUIRED), NINES_SMTP_SSL, NINES_SMTP_USERNAME,"
          + " NINES_SMTP_PASSWORD_FILE; see docs/channels.md."
    })
final class CoordinatorCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "DIR",
      defaultValue = "${env:NINES_CONFIG}",
      required = true,
      description =
          "the fleet configuration directory (NINES_CONFIG); read again every second: changed"
              + " files that load take effect, and agents follow within seconds; files that do not"
              + " load are reported and the running configuration stays")
  Path config;

  /** How often the configuration directory is read again. */
  static final long CONFIG_RELOAD_MILLIS = 1000;

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
          "the per-agent token file made by 'nines token create'; re-read when it changes"
              + " (NINES_AGENT_TOKEN_FILE; or NINES_AGENT_TOKEN for one token shared by all"
              + " agents)")
  Path tokenFile;

  @Option(
      names = "--read-token-file",
      paramLabel = "FILE",
      defaultValue = "${env:NINES_READ_TOKEN_FILE}",
      description =
          "tokens that may read the API and /metrics, one a line ('#' starts a comment)"
              + " (NINES_READ_TOKEN_FILE; or NINES_READ_TOKEN for one token); admin tokens may read"
              + " too")
  Path readTokenFile;

  @Option(
      names = "--public-read",
      defaultValue = "${env:NINES_PUBLIC_READ:-false}",
      description =
          "let anyone who reaches the port read the API and /metrics, without a token: for a"
              + " coordinator on loopback or behind a proxy that authenticates (NINES_PUBLIC_READ;"
              + " default: ${DEFAULT-VALUE}); without it, read tokens are required")
  boolean publicRead;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:NINES_DATA_DIR:-data}",
      description =
          "where the single coordinator keeps its H2 database (<DIR>/nines.mv.db); ignored when"
              + " NINES_DB_URL names another database, or in cluster mode (NINES_DATA_DIR;"
              + " default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(
      names = "--in-memory",
      defaultValue = "${env:NINES_IN_MEMORY:-false}",
      description =
          "keep results in memory only: a restart forgets them (NINES_IN_MEMORY; default:"
              + " ${DEFAULT-VALUE})")
  boolean inMemory;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "${env:NINES_TLS_CERT}",
      description = "serve HTTPS with this PEM certificate chain (NINES_TLS_CERT); needs --tls-key")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "${env:NINES_TLS_KEY}",
      description = "the certificate's PKCS#8 PEM private key (NINES_TLS_KEY)")
  Path tlsKey;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      defaultValue = "${env:NINES_CLUSTER_NAME}",
      description =
          "makes this coordinator a cluster member: members join only a cluster of this name"
              + " (NINES_CLUSTER_NAME; default in cluster mode: nines)")
  String clusterName;

  @Option(
      names = "--cluster-members",
      paramLabel = "HOST[:PORT],...",
      defaultValue = "${env:NINES_CLUSTER_MEMBERS}",
      description =
          "makes this coordinator a cluster member that looks for its peers at these addresses;"
              + " may include itself (NINES_CLUSTER_MEMBERS)")
  String clusterMembers;

  @Option(
      names = "--cluster-host",
      paramLabel = "ADDRESS",
      defaultValue = "${env:NINES_CLUSTER_HOST}",
      description =
          "the address this member binds to and gives its peers (NINES_CLUSTER_HOST; default:"
              + " 127.0.0.1)")
  String clusterHost;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      defaultValue = "${env:NINES_CLUSTER_PORT}",
      description = "the member-to-member TCP port (NINES_CLUSTER_PORT; default: 5701)")
  String clusterPort;

  @Option(
      names = "--cluster-backups",
      paramLabel = "N",
      defaultValue = "${env:NINES_CLUSTER_BACKUPS}",
      description =
          "synchronous backups of every check, 1 to 6 (NINES_CLUSTER_BACKUPS; default: 1)")
  String clusterBackups;

  @Option(
      names = "--cluster-heartbeat-interval",
      paramLabel = "DURATION",
      defaultValue = "${env:NINES_CLUSTER_HEARTBEAT_INTERVAL}",
      description =
          "how often a member tells its peers it is alive, in whole seconds"
              + " (NINES_CLUSTER_HEARTBEAT_INTERVAL; default: 5s)")
  String clusterHeartbeatInterval;

  @Option(
      names = "--cluster-heartbeat-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:NINES_CLUSTER_HEARTBEAT_TIMEOUT}",
      description =
          "a peer not heard from for this long is removed: shorter sees a cut-off member sooner,"
              + " but a GC pause that long splits the cluster; at least twice the interval"
              + " (NINES_CLUSTER_HEARTBEAT_TIMEOUT; default: 60s)")
  String clusterHeartbeatTimeout;

  @Option(
      names = "--cluster-merge-first-delay",
      paramLabel = "DURATION",
      defaultValue = "${env:NINES_CLUSTER_MERGE_FIRST_DELAY}",
      description =
          "how long after start a member first looks for the other side of a split"
              + " (NINES_CLUSTER_MERGE_FIRST_DELAY; default: 60s)")
  String clusterMergeFirstDelay;

  @Option(
      names = "--cluster-merge-delay",
      paramLabel = "DURATION",
      defaultValue = "${env:NINES_CLUSTER_MERGE_DELAY}",
      description =
          "how often it looks again, so how long a healed split may wait to merge"
              + " (NINES_CLUSTER_MERGE_DELAY; default: 30s)")
  String clusterMergeDelay;

  @Option(
      names = {"--cluster-discovery", "--discovery"},
      paramLabel = "tcp-ip|kubernetes",
      defaultValue = "${env:NINES_CLUSTER_DISCOVERY}",
      description =
          "how members find each other: tcp-ip, the --cluster-members list (the default), or"
              + " kubernetes, Hazelcast's Kubernetes discovery with one of the"
              + " --cluster-kubernetes-* selectors below; makes this coordinator a cluster member"
              + " (NINES_CLUSTER_DISCOVERY)")
  String clusterDiscovery;

  @Option(
      names = "--cluster-kubernetes-service-dns",
      paramLabel = "NAME",
      defaultValue = "${env:NINES_CLUSTER_KUBERNETES_SERVICE_DNS}",
      description =
          "kubernetes discovery by DNS: the headless Service's name, e.g."
              + " nines-coordinator-hs.nines.svc.cluster.local; needs no Kubernetes API access"
              + " (NINES_CLUSTER_KUBERNETES_SERVICE_DNS)")
  String kubernetesServiceDns;

  @Option(
      names = "--cluster-kubernetes-service-name",
      paramLabel = "NAME",
      defaultValue = "${env:NINES_CLUSTER_KUBERNETES_SERVICE_NAME}",
      description =
          "kubernetes discovery through the API: the Service whose endpoints are the members;"
              + " needs a Role to get/list endpoints, pods and services"
              + " (NINES_CLUSTER_KUBERNETES_SERVICE_NAME)")
  String kubernetesServiceName;

  @Option(
      names = "--cluster-kubernetes-service-label",
      paramLabel = "NAME=VALUE",
      defaultValue = "${env:NINES_CLUSTER_KUBERNETES_SERVICE_LABEL}",
      description =
          "kubernetes discovery through the API: the label of the Services whose endpoints are the"
              + " members (NINES_CLUSTER_KUBERNETES_SERVICE_LABEL)")
  String kubernetesServiceLabel;

  @Option(
      names = "--cluster-kubernetes-pod-label",
      paramLabel = "NAME=VALUE",
      defaultValue = "${env:NINES_CLUSTER_KUBERNETES_POD_LABEL}",
      description =
          "kubernetes discovery through the API: the label of the member pods"
              + " (NINES_CLUSTER_KUBERNETES_POD_LABEL)")
  String kubernetesPodLabel;

  @Option(
      names = "--cluster-kubernetes-namespace",
      paramLabel = "NAMESPACE",
      defaultValue = "${env:NINES_CLUSTER_KUBERNETES_NAMESPACE}",
      description =
          "kubernetes discovery through the API: where to look (NINES_CLUSTER_KUBERNETES_NAMESPACE;"
              + " default: the pod's own namespace)")
  String kubernetesNamespace;

  /** The cluster settings' environment variables, and the flags that give them. */
  private Map<String, String> clusterSettings() {
    Map<String, String> s = new java.util.LinkedHashMap<>();
    putIfGiven(s, ClusterOptions.ENV_NAME, clusterName);
    putIfGiven(s, ClusterOptions.ENV_MEMBERS, clusterMembers);
    putIfGiven(s, ClusterOptions.ENV_HOST, clusterHost);
    putIfGiven(s, ClusterOptions.ENV_PORT, clusterPort);
    putIfGiven(s, ClusterOptions.ENV_BACKUPS, clusterBackups);
    putIfGiven(s, ClusterOptions.ENV_HEARTBEAT_INTERVAL, clusterHeartbeatInterval);
    putIfGiven(s, ClusterOptions.ENV_HEARTBEAT_TIMEOUT, clusterHeartbeatTimeout);
    putIfGiven(s, ClusterOptions.ENV_MERGE_FIRST_DELAY, clusterMergeFirstDelay);
    putIfGiven(s, ClusterOptions.ENV_MERGE_DELAY, clusterMergeDelay);
    putIfGiven(s, ClusterOptions.ENV_DISCOVERY, clusterDiscovery);
    putIfGiven(s, ClusterOptions.ENV_KUBERNETES_SERVICE_DNS, kubernetesServiceDns);
    putIfGiven(s, ClusterOptions.ENV_KUBERNETES_SERVICE_NAME, kubernetesServiceName);
    putIfGiven(s, ClusterOptions.ENV_KUBERNETES_SERVICE_LABEL, kubernetesServiceLabel);
    putIfGiven(s, ClusterOptions.ENV_KUBERNETES_POD_LABEL, kubernetesPodLabel);
    putIfGiven(s, ClusterOptions.ENV_KUBERNETES_NAMESPACE, kubernetesNamespace);
    return s;
  }

  private static void putIfGiven(Map<String, String> settings, String env, String value) {
    if (value != null) {
      settings.put(env, value);
    }
  }

  /** {@code --cluster-port (NINES_CLUSTER_PORT)} for {@code NINES_CLUSTER_PORT}. */
  static String clusterLabel(String env) {
    String flag =
        "--"
            + env.substring("NINES_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return flag + " (" + env + ")";
  }

  /**
   * Whether this coordinator is a cluster member: it was given a cluster name, peers or a way to
   * discover them.
   */
  private boolean clusterMode() {
    return clusterName != null || clusterMembers != null || clusterDiscovery != null;
  }

  @Override
  public Integer call() throws Exception {
    Set<String> tokens = readTokens();
    Map<String, String> clusterSettings = clusterSettings();
    ClusterOptions clusterOptions = null;
    if (clusterMode()) {
      try {
        clusterOptions =
            ClusterOptions.fromSettings(clusterSettings, CoordinatorCommand::clusterLabel);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage().replace("\n", "\nerror: "));
        return 2;
      }
    } else if (!clusterSettings.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "error: "
                  + clusterSettings.keySet().stream()
                      .map(CoordinatorCommand::clusterLabel)
                      .collect(java.util.stream.Collectors.joining(", "))
                  + " only apply to a cluster member: give --cluster-members (NINES_CLUSTER_MEMBERS),"
                  + " --cluster-discovery (NINES_CLUSTER_DISCOVERY) or --cluster-name"
                  + " (NINES_CLUSTER_NAME) as well, or drop them");
      return 2;
    }
    Map<String, String> environment = System.getenv();
    Set<String> readers = readReadTokens(environment);
    if (readers.isEmpty() && !publicRead) {
      spec.commandLine()
          .getErr()
          .println(
              "error: who may read the API is not decided: give read tokens (--read-token-file"
                  + " FILE with one token a line, NINES_READ_TOKEN_FILE, or NINES_READ_TOKEN), or"
                  + " pass --public-read (NINES_PUBLIC_READ=true) to let anyone who reaches"
                  + " "
                  + host
                  + ":"
                  + port
                  + " read the API and /metrics");
      return 2;
    }
    if (!readers.isEmpty() && publicRead) {
      spec.commandLine()
          .getErr()
          .println(
              "error: --public-read and read tokens were both given: reads are either public or"
                  + " need a token; drop one of them");
      return 2;
    }
    Set<String> adminTokens = readAdminTokens(environment);
    for (String t : readers) {
      if (adminTokens.contains(t)) {
        spec.commandLine()
            .getErr()
            .println(
                "error: a read token is also the admin token: give readers a token of their own");
        return 2;
      }
    }
    ConfigDirectory configDir;
    try {
      configDir = Fleets.open(config, Map.of(), spec.commandLine().getErr());
    } catch (Fleets.Invalid e) {
      return 2;
    }
    Fleet fleet = configDir.fleet();
    Map<String, String> env = System.getenv();
    // Checked before anything starts: a relay that can't work must not be found out at the first
    // outage, by a page that never leaves.
    SmtpSettings smtp;
    try {
      smtp = smtpSettings(env);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 2;
    }
    ClusterMember member = null;
    Vertx vertx;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Database clusterDatabase = null;
    if (clusterOptions != null) {
      if (!inMemory) {
        String url = env.get(DatabaseOptions.ENV_URL);
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
          spec.commandLine()
              .getErr()
              .println(
                  "error: a cluster member needs the database all members share, so that a"
                      + " restart of the whole cluster keeps its data: set "
                      + DatabaseOptions.ENV_URL
                      + "=jdbc:postgresql://host:5432/nines (with "
                      + DatabaseOptions.ENV_USER
                      + " and "
                      + DatabaseOptions.ENV_PASSWORD_FILE
                      + ")"
                      + (url == null
                          ? ""
                          : " (it names "
                              + (url.startsWith("jdbc:h2:") ? "an H2 file" : "no PostgreSQL")
                              + ")")
                      + "; an H2 file can't be shared between processes. Or pass --in-memory"
                      + " (NINES_IN_MEMORY=true) to keep everything in the members' memory only.");
          return 2;
        }
        try {
          clusterDatabase =
              Database.open(DatabaseOptions.fromEnvironment(env), registry, TimeSource.SYSTEM);
        } catch (IllegalArgumentException | IllegalStateException e) {
          spec.commandLine()
              .getErr()
              .println("error: the cluster member can't open its database: " + Main.messageOf(e));
          return 1;
        }
      }
      try {
        member =
            ClusterMember.start(clusterOptions, new VertxOptions(), clusterDatabase)
                .toCompletionStage()
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (clusterDatabase != null) {
          clusterDatabase.close();
        }
        spec.commandLine()
            .getErr()
            .println(
                "error: the cluster member can't start on "
                    + clusterOptions.host()
                    + ":"
                    + clusterOptions.port()
                    + ": "
                    + Main.messageOf(e.getCause()));
        return e.getCause() instanceof IllegalArgumentException ? 2 : 1;
      }
      vertx = member.vertx();
    } else {
      vertx = Vertx.vertx();
    }
    CoordinatorOptions.Builder builder =
        CoordinatorOptions.builder()
            .host(host)
            .port(port)
            .agentTokens(tokens)
            .config(configDir)
            .timeSource(TimeSource.SYSTEM)
            .meterRegistry(registry)
            .agentTokenFile(tokenFile)
            .readTokens(readers)
            .adminTokens(adminTokens)
            .tls(tlsCert, tlsKey);
    // The storage mode: the member's maps, a database (H2 by default), or memory only.
    Backend backend;
    Database opened = null;
    if (member != null) {
      builder.cluster(member);
      backend = member.backend();
    } else if (!inMemory) {
      Map<String, String> dbEnv = new HashMap<>(env);
      dbEnv.put(DatabaseOptions.ENV_DATA_DIR, dataDir.toString());
      try {
        opened = Database.open(DatabaseOptions.fromEnvironment(dbEnv), registry, TimeSource.SYSTEM);
        backend =
            JdbcBackend.open(vertx, opened)
                .toCompletionStage()
                .toCompletableFuture()
                .get(120, TimeUnit.SECONDS);
      } catch (IllegalArgumentException | IllegalStateException | ExecutionException e) {
        if (opened != null) {
          opened.close();
        }
        vertx.close();
        spec.commandLine()
            .getErr()
            .println(
                "error: the coordinator can't open its database (--data-dir "
                    + dataDir
                    + "): "
                    + Main.messageOf(e instanceof ExecutionException ? e.getCause() : e));
        return 1;
      }
    } else {
      backend = new MemoryBackend();
    }
    builder.backend(backend);
    // Every member deletes what left the retentions; deleting is idempotent.
    Database database = backend.database();
    RetentionTask retention = null;
    if (database != null) {
      retention =
          RetentionTask.start(
              vertx,
              database,
              () -> configDir.fleet().settings(),
              TimeSource.SYSTEM,
              Duration.ofMinutes(5));
    }
    ChannelOptions channelOptions = ChannelOptions.defaults();
    if (smtp != null) {
      channelOptions = channelOptions.withSmtp(smtp);
    }
    Channels channels =
        Channels.create(
            vertx, registry, TimeSource.SYSTEM, channelOptions, ref -> ref.resolve(env));
    Coordinator coordinator =
        new Coordinator(
            builder.build(),
            new AlertingOptions(
                new ChannelSender(
                    channels,
                    configDir::fleet,
                    TimeSource.SYSTEM,
                    env.getOrDefault("NINES_PUBLIC_URL", "http://" + host + ":" + port)),
                // The admin tokens are the coordinator's (CoordinatorOptions.adminTokens).
                Set.of(),
                1000));
    int bound;
    try {
      bound =
          coordinator
              .start(vertx)
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      vertx.close();
      if (database != null) {
        database.close();
      }
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
            "coordinator listening on "
                + (tlsCert == null ? "http" : "https")
                + "://%s:%d (config version %s); reads %s%n",
            host,
            bound,
            fleet.version().shortHash(),
            publicRead
                ? "are public (--public-read)"
                : "need a read or admin token (" + readers.size() + " read tokens)");
    spec.commandLine().getOut().flush();
    long reloadTimer = watch(vertx, configDir);
    ClusterMember clustered = member;
    Database db = database;
    Backend stores = backend;
    RetentionTask retentionTask = retention;
    Processes.awaitShutdown(
        () -> {
          vertx.cancelTimer(reloadTimer);
          coordinator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
          if (retentionTask != null) {
            retentionTask.close();
          }
          if (stores.results() instanceof JdbcResultStore durable) {
            durable.close();
          }
          if (clustered != null) {
            // A graceful stop writes the member's write-behind queue: before the database closes.
            clustered.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
          } else {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
          }
          if (db != null) {
            db.close();
          }
        });
    return 0;
  }

  /**
   * Reads the configuration directory again every {@link #CONFIG_RELOAD_MILLIS} ms on a worker
   * thread, and says what changed: a new version on standard output, files that do not load (once
   * per broken version) on standard error.
   */
  private long watch(Vertx vertx, ConfigDirectory configDir) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AtomicBoolean busy = new AtomicBoolean();
    return vertx.setPeriodic(
        CONFIG_RELOAD_MILLIS,
        id -> {
          if (!busy.compareAndSet(false, true)) {
            return;
          }
          String before = configDir.fleet().version().shortHash();
          vertx
              .executeBlocking(configDir::reload, false)
              .onComplete(
                  ar -> {
                    busy.set(false);
                    if (ar.failed()) {
                      err.println(
                          "error: reading " + config + " failed: " + Main.messageOf(ar.cause()));
                      err.flush();
                      return;
                    }
                    ConfigDirectory.Reload r = ar.result();
                    if (r.outcome() == ConfigDirectory.Outcome.APPLIED) {
                      out.printf(
                          "config version %s applied (was %s)%n",
                          r.loaded().fleet().version().shortHash(), before);
                      out.flush();
                    } else if (r.outcome() == ConfigDirectory.Outcome.REJECTED) {
                      err.println(
                          "error: "
                              + config
                              + " changed but does not load; config version "
                              + before
                              + " stays in force:");
                      err.println(FleetLoader.formatProblems(r.problems()));
                      err.flush();
                    }
                  });
        });
  }

  private Set<String> readAdminTokens(Map<String, String> env) {
    String file = env.get("NINES_ADMIN_TOKEN_FILE");
    if (file != null && !file.isBlank()) {
      Set<String> tokens = tokensFromFile(Path.of(file), "admin");
      if (tokens.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "the admin token file " + file + " holds no token");
      }
      return tokens;
    }
    String token = env.get("NINES_ADMIN_TOKEN");
    if (token == null || token.isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the coordinator needs an admin token for acknowledging incidents: set"
              + " NINES_ADMIN_TOKEN_FILE or NINES_ADMIN_TOKEN");
    }
    return Set.of(token.strip());
  }

  /** The read tokens of {@code --read-token-file} or {@code NINES_READ_TOKEN}; empty when none. */
  private Set<String> readReadTokens(Map<String, String> env) {
    if (readTokenFile != null) {
      Set<String> tokens = tokensFromFile(readTokenFile, "read");
      if (tokens.isEmpty()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "the read token file "
                + readTokenFile
                + " holds no token (one a line); or pass --public-read instead");
      }
      return tokens;
    }
    String token = env.get("NINES_READ_TOKEN");
    return token == null || token.isBlank() ? Set.of() : Set.of(token.strip());
  }

  /** The tokens of a file, one a line; blank lines and lines starting with '#' are skipped. */
  private Set<String> tokensFromFile(Path file, String kind) {
    try {
      Set<String> tokens = new java.util.LinkedHashSet<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          tokens.add(t);
        }
      }
      return Set.copyOf(tokens);
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "can't read the " + kind + " token file " + file + ": " + e);
    }
  }

  /**
   * The SMTP relay of the email channels, from {@code NINES_SMTP_*}, or null when {@code
   * NINES_SMTP_HOST} is unset.
   *
   * @throws IllegalArgumentException naming the variable and what it must be, when a setting can't
   *     be used (a port that is not a number, an unknown STARTTLS mode, a login without a password)
   */
  static SmtpSettings smtpSettings(Map<String, String> env) {
    String host = env.get("NINES_SMTP_HOST");
    if (host == null || host.isBlank()) {
      return null;
    }
    host = host.strip();
    String sslText = env.getOrDefault("NINES_SMTP_SSL", "false").strip();
    if (!sslText.equals("true") && !sslText.equals("false")) {
      throw new IllegalArgumentException(
          "NINES_SMTP_SSL was '"
              + sslText
              + "' but it must be true (TLS from the first byte, port 465) or false");
    }
    boolean ssl = sslText.equals("true");
    String portText = env.getOrDefault("NINES_SMTP_PORT", ssl ? "465" : "587").strip();
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "NINES_SMTP_PORT was '" + portText + "' but it must be a port from 1 to 65535");
    }
    String starttlsText = env.getOrDefault("NINES_SMTP_STARTTLS", "REQUIRED").strip();
    SmtpSettings.StartTls starttls = null;
    for (SmtpSettings.StartTls mode : SmtpSettings.StartTls.values()) {
      if (mode.name().equalsIgnoreCase(starttlsText)) {
        starttls = mode;
      }
    }
    if (starttls == null) {
      throw new IllegalArgumentException(
          "NINES_SMTP_STARTTLS was '"
              + starttlsText
              + "' but it must be DISABLED, OPTIONAL or REQUIRED");
    }
    String username = env.get("NINES_SMTP_USERNAME");
    username = username == null || username.isBlank() ? null : username.strip();
    String passwordFile = env.get("NINES_SMTP_PASSWORD_FILE");
    passwordFile = passwordFile == null || passwordFile.isBlank() ? null : passwordFile.strip();
    if (username != null && passwordFile == null) {
      throw new IllegalArgumentException(
          "NINES_SMTP_USERNAME is set but NINES_SMTP_PASSWORD_FILE is not: the relay would refuse"
              + " every login, so no email would leave; give the file that holds the password");
    }
    if (username == null && passwordFile != null) {
      throw new IllegalArgumentException(
          "NINES_SMTP_PASSWORD_FILE is set but NINES_SMTP_USERNAME is not: give both to log in,"
              + " or neither");
    }
    Template password =
        passwordFile == null
            ? null
            : new Template(
                "${file:" + passwordFile + "}",
                List.of(new Template.Secret(new SecretRef(SecretRef.Kind.FILE, passwordFile))));
    String from = env.get("NINES_SMTP_FROM");
    from = from == null || from.isBlank() ? "nines@" + host : from.strip();
    return new SmtpSettings(host, port, from, starttls, username, password, ssl, false);
  }

  private Set<String> readTokens() {
    String token = System.getenv("NINES_AGENT_TOKEN");
    if (token != null && !token.isBlank()) {
      return Set.of(token.strip());
    }
    if (tokenFile == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the coordinator needs the agents' tokens: give --agent-token-file FILE (made by 'nines"
              + " token create'), or set NINES_AGENT_TOKEN_FILE, or NINES_AGENT_TOKEN for one"
              + " shared token");
    }
    if (!Files.isReadable(tokenFile)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "can't read the agent token file " + tokenFile);
    }
    return Set.of();
  }
}
