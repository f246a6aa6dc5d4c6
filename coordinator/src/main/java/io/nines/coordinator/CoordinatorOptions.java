package io.nines.coordinator;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.ConfigSources;
import io.nines.config.Fleet;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.store.Backend;
import io.nines.store.Backends;
import io.nines.store.results.ResultStore;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How a {@link Coordinator} runs. Build with {@link #builder()}.
 *
 * @param host the interface to bind; {@code 127.0.0.1} by default, so a coordinator is not exposed
 *     until someone asks for it
 * @param port the TCP port; 0 picks a free one, which {@link Coordinator#start} reports
 * @param agentTokens shared bearer tokens any agent may post results with; none blank
 * @param agentTokenFile per-agent tokens (hashed, each bound to one agent id), or null; there must
 *     be shared tokens or a token file
 * @param fleet the current configuration; may return null while none is loaded (the coordinator is
 *     then not ready and answers 503); called on every request, so it must be cheap and thread-safe
 * @param timeSource where {@code now} comes from
 * @param meterRegistry the registry {@code /metrics} scrapes and the coordinator's meters go to;
 *     created once by the caller (who may also give it to Vert.x's metrics)
 * @param backend where everything is kept (results, alerting state, the outbox, maintenance
 *     windows, configuration history, the agent registry): the cluster member's {@link
 *     ClusterMember#backend()} in cluster mode, else the one {@link Backends#singleProcess} picks
 *     for the store given (in memory by default; durable for a {@code JdbcResultStore})
 * @param bodyLimitBytes the largest request body accepted; larger ones get 413
 * @param cluster the cluster member this coordinator runs on, or null for a single process (the
 *     mode {@code nines up} uses). In cluster mode the coordinator must be started on the member's
 *     {@link ClusterMember#vertx()}, results go to the cluster's maps, and every member's API
 *     answers from them, so agents and users may reach any member
 * @param demoShopUrl the base URL of the ShopSmart demo shop, whose fault switches the dashboard's
 *     demo panel drives through {@code POST /api/v1/demo/faults/{service}}; null (the default) when
 *     there is no demo shop, and those routes answer 404
 * @param readTokens tokens that may read the API; when empty (the default) reads are open. When
 *     set, every {@code GET /api/v1/**} except {@code /api/v1/status} and {@code
 *     /api/v1/openapi.yaml} needs {@code Authorization: Bearer <token>} or {@code ?key=<token>}
 *     with a read or an admin token
 * @param tlsCert a PEM certificate chain to serve HTTPS with, or null for plain HTTP
 * @param tlsKey the certificate's PKCS#8 PEM private key, or null
 * @param adminTokens tokens that may change things (acknowledge incidents, create and delete
 *     maintenance windows) and read; when empty (the default) writes are open, which is only
 *     sensible on loopback. The one source of admin tokens: {@link AlertingOptions#adminTokens()}
 *     is used only while this is empty. Required when {@code readTokens} are set, and disjoint from
 *     them
 * @param configSources the files the current configuration was loaded from, which agents fetch from
 *     {@code GET /api/v1/agents/config}; null (the default) when the coordinator was not given
 *     files (then that endpoint answers 404). Its hash should be {@code fleet}'s, and both should
 *     change together, as a {@link ConfigDirectory} gives them
 */
public record CoordinatorOptions(
    String host,
    int port,
    Set<String> agentTokens,
    Supplier<Fleet> fleet,
    TimeSource timeSource,
    PrometheusMeterRegistry meterRegistry,
    Backend backend,
    long bodyLimitBytes,
    ClusterMember cluster,
    Path agentTokenFile,
    String demoShopUrl,
    Set<String> readTokens,
    Set<String> adminTokens,
    Path tlsCert,
    Path tlsKey,
    Supplier<ConfigSources> configSources) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_BODY_LIMIT_BYTES = 8L * 1024 * 1024;

  public CoordinatorOptions {
    Checks.checkNotBlank(host, "host");
    Checks.checkArgument(port >= 0 && port <= 65535, "port: %s (expected: 0 to 65535)", port);
    Checks.notNull(agentTokens, "agentTokens");
    agentTokens = Set.copyOf(agentTokens);
    Checks.checkArgument(
        !agentTokens.isEmpty() || agentTokenFile != null,
        "agentTokens: [] and no agentTokenFile (expected: a token file of per-agent tokens, made"
            + " by 'nines token create', or at least one shared token)");
    for (String t : agentTokens) {
      Checks.checkArgument(!t.isBlank(), "agentTokens: a blank token (expected: non-blank)");
    }
    Checks.checkArgument(
        (tlsCert == null) == (tlsKey == null),
        "tlsCert and tlsKey: only one given (expected: both, or neither for plain HTTP)");
    Checks.notNull(fleet, "fleet");
    Checks.notNull(timeSource, "timeSource");
    Checks.notNull(meterRegistry, "meterRegistry");
    Checks.notNull(backend, "backend");
    Checks.checkPositive(bodyLimitBytes, "bodyLimitBytes");
    readTokens = tokens(readTokens, "readTokens");
    adminTokens = tokens(adminTokens, "adminTokens");
    Checks.checkArgument(
        readTokens.isEmpty() || !adminTokens.isEmpty(),
        "adminTokens: [] while readTokens are set (expected: at least one admin token, or writes"
            + " would be open while reads are not)");
    for (String t : readTokens) {
      Checks.checkArgument(
          !adminTokens.contains(t),
          "readTokens: a token that is also an admin token (expected: separate tokens)");
    }
    Checks.checkArgument(
        cluster == null || backend == cluster.backend(),
        "store: %s (expected: the cluster member's own store in cluster mode; set one of store"
            + " and cluster, not both)",
        backend.results().getClass().getSimpleName());
    Checks.checkArgument(
        demoShopUrl == null || demoShopUrl.matches("https?://[^/\\s]+(/\\S*)?"),
        "demoShopUrl: %s (expected: an http(s) URL such as http://127.0.0.1:8070, or none)",
        demoShopUrl);
  }

  private static Set<String> tokens(Set<String> tokens, String name) {
    if (tokens == null) {
      return Set.of();
    }
    for (String t : tokens) {
      Checks.checkArgument(
          t != null && !t.isBlank(), "%s: a blank token (expected: non-blank)", name);
    }
    return Set.copyOf(tokens);
  }

  /** Where results are kept: {@code backend().results()}. */
  public ResultStore store() {
    return backend.results();
  }

  /** Whether this coordinator is a member of a cluster. */
  public boolean clustered() {
    return cluster != null;
  }

  /** Secrets stay out of logs. */
  @Override
  public String toString() {
    return "CoordinatorOptions[host="
        + host
        + ", port="
        + port
        + ", agentTokens=<"
        + agentTokens.size()
        + " hidden>, timeSource="
        + timeSource
        + ", store="
        + store().getClass().getSimpleName()
        + ", bodyLimitBytes="
        + bodyLimitBytes
        + ", cluster="
        + (cluster == null ? "none" : cluster.options().clusterName())
        + (demoShopUrl == null ? "" : ", demoShopUrl=" + demoShopUrl)
        + ", readTokens=<"
        + readTokens.size()
        + " hidden>, adminTokens=<"
        + adminTokens.size()
        + " hidden>]";
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects options; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Set<String> agentTokens = Set.of();
    private Supplier<Fleet> fleet;
    private TimeSource timeSource = TimeSource.SYSTEM;
    private PrometheusMeterRegistry meterRegistry;
    private ResultStore store;
    private Backend backend;
    private long bodyLimitBytes = DEFAULT_BODY_LIMIT_BYTES;
    private ClusterMember cluster;
    private Path agentTokenFile;
    private String demoShopUrl;
    private Path tlsCert;
    private Path tlsKey;
    private Set<String> readTokens = Set.of();
    private Set<String> adminTokens = Set.of();
    private Supplier<ConfigSources> configSources;

    private Builder() {}

    /** Per-agent tokens: a file written by {@code nines token create}, re-read when it changes. */
    public Builder agentTokenFile(Path agentTokenFile) {
      this.agentTokenFile = agentTokenFile;
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder agentTokens(Set<String> agentTokens) {
      this.agentTokens = agentTokens;
      return this;
    }

    /** A configuration that may change (reloads) or be absent for a while (null). */
    public Builder fleet(Supplier<Fleet> fleet) {
      this.fleet = fleet;
      return this;
    }

    /**
     * The configuration of a directory that is reloaded (by the caller, with {@link
     * ConfigDirectory#reload()}): sets {@link #fleet(Supplier)} and {@link
     * #configSources(Supplier)} from it.
     */
    public Builder config(ConfigDirectory dir) {
      Checks.notNull(dir, "dir");
      this.fleet = dir::fleet;
      this.configSources = dir::sources;
      return this;
    }

    /** The files of the configuration, which agents fetch; see {@link #configSources()}. */
    public Builder configSources(Supplier<ConfigSources> configSources) {
      this.configSources = configSources;
      return this;
    }

    /** A configuration that never changes. */
    public Builder fleet(Fleet fleet) {
      Checks.notNull(fleet, "fleet");
      this.fleet = () -> fleet;
      return this;
    }

    public Builder timeSource(TimeSource timeSource) {
      this.timeSource = timeSource;
      return this;
    }

    public Builder meterRegistry(PrometheusMeterRegistry meterRegistry) {
      this.meterRegistry = meterRegistry;
      return this;
    }

    /** A single process's results; the backend follows from it ({@link Backends#singleProcess}). */
    public Builder store(ResultStore store) {
      this.store = store;
      return this;
    }

    /**
     * Every store at once, when the caller built the backend; takes precedence over {@link #store}.
     */
    public Builder backend(Backend backend) {
      this.backend = backend;
      return this;
    }

    public Builder bodyLimitBytes(long bodyLimitBytes) {
      this.bodyLimitBytes = bodyLimitBytes;
      return this;
    }

    /** Cluster mode: this coordinator runs on {@code member} and keeps results in its maps. */
    public Builder cluster(ClusterMember member) {
      this.cluster = member;
      return this;
    }

    /** The demo shop the dashboard's demo panel drives, e.g. {@code http://127.0.0.1:8070}. */
    public Builder demoShopUrl(String demoShopUrl) {
      this.demoShopUrl = demoShopUrl;
      return this;
    }

    /** Serves HTTPS with this PEM certificate (chain) and PKCS#8 PEM key; both or neither. */
    public Builder tls(Path certificate, Path key) {
      this.tlsCert = certificate;
      this.tlsKey = key;
      return this;
    }

    /** Tokens that may read the API; empty (the default) leaves reads open. */
    public Builder readTokens(Set<String> readTokens) {
      this.readTokens = readTokens;
      return this;
    }

    /** Tokens that may change things and read; empty (the default) leaves writes open. */
    public Builder adminTokens(Set<String> adminTokens) {
      this.adminTokens = adminTokens;
      return this;
    }

    /** The one place the storage mode is chosen: the member's, or a single process's. */
    private Backend backend() {
      if (backend != null) {
        return backend;
      }
      if (cluster != null
          && (store == null || store == cluster.store() || store == cluster.results())) {
        return cluster.backend();
      }
      // With a cluster, another store is refused by the constructor.
      return Backends.singleProcess(store);
    }

    /**
     * @throws IllegalArgumentException or NullPointerException naming the option that is wrong
     */
    public CoordinatorOptions build() {
      return new CoordinatorOptions(
          host,
          port,
          agentTokens,
          fleet,
          timeSource,
          meterRegistry,
          backend(),
          bodyLimitBytes,
          cluster,
          agentTokenFile,
          demoShopUrl,
          readTokens,
          adminTokens,
          tlsCert,
          tlsKey,
          configSources);
    }
  }
}
