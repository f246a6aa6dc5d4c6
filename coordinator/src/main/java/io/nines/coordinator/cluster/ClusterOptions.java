package io.nines.coordinator.cluster;

import io.nines.common.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How a coordinator joins its cluster. Build with {@link #builder()}, or read the environment with
 * {@link #fromEnvironment(Map)}.
 *
 * <p>Members find each other by a TCP member list, or through Kubernetes ({@link
 * KubernetesDiscovery}); multicast and Hazelcast's cloud auto-detection are off, so a member joins
 * only the peers it was told about or that Kubernetes lists, and only those with the same {@code
 * clusterName}.
 *
 * @param clusterName members join only a cluster of this name; different environments (or test
 *     runs) on one network use different names
 * @param host the IPv4 address or host name this member binds to and advertises to its peers;
 *     {@code 127.0.0.1} by default, so a member is not reachable from other hosts until someone
 *     asks
 * @param port the TCP port for member-to-member traffic; 0 lets the system pick one (read it back
 *     from {@link ClusterMember#port()}), useful for the first member of a test cluster
 * @param portAutoIncrement when the port is taken, try the next ones (up to 100)
 * @param members where to look for peers: {@code host} or {@code host:port}, this member may be
 *     among them; empty to start alone (others may still join by listing this member)
 * @param backupCount synchronous backups of every check, 1 to 6; results are acknowledged once
 *     their backups have them, so with 1 the loss of any one member loses nothing
 * @param partitionCount Hazelcast's partition count; the default 271 suits clusters up to about 100
 *     members, tests use fewer to start faster
 * @param timers heartbeat and merge timers: how fast a lost peer is seen and a healed split merged
 * @param kubernetes how to find the peers in Kubernetes instead of {@code members}; null for the
 *     TCP-IP member list
 * @param properties further Hazelcast properties (e.g. {@code hazelcast.max.no.heartbeat.seconds}),
 *     which win over the ones set here
 */
public record ClusterOptions(
    String clusterName,
    String host,
    int port,
    boolean portAutoIncrement,
    List<String> members,
    int backupCount,
    int partitionCount,
    ClusterTimers timers,
    KubernetesDiscovery kubernetes,
    Map<String, String> properties) {

  public static final String DEFAULT_CLUSTER_NAME = "nines";
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5701;
  public static final int DEFAULT_BACKUP_COUNT = 1;
  public static final int DEFAULT_PARTITION_COUNT = 271;

  /** Environment variables read by {@link #fromEnvironment}. */
  public static final String ENV_NAME = "NINES_CLUSTER_NAME";

  public static final String ENV_HOST = "NINES_CLUSTER_HOST";
  public static final String ENV_PORT = "NINES_CLUSTER_PORT";
  public static final String ENV_MEMBERS = "NINES_CLUSTER_MEMBERS";
  public static final String ENV_BACKUPS = "NINES_CLUSTER_BACKUPS";
  public static final String ENV_HEARTBEAT_INTERVAL = "NINES_CLUSTER_HEARTBEAT_INTERVAL";
  public static final String ENV_HEARTBEAT_TIMEOUT = "NINES_CLUSTER_HEARTBEAT_TIMEOUT";
  public static final String ENV_MERGE_FIRST_DELAY = "NINES_CLUSTER_MERGE_FIRST_DELAY";
  public static final String ENV_MERGE_DELAY = "NINES_CLUSTER_MERGE_DELAY";
  public static final String ENV_DISCOVERY = "NINES_CLUSTER_DISCOVERY";
  public static final String ENV_KUBERNETES_NAMESPACE = "NINES_CLUSTER_KUBERNETES_NAMESPACE";
  public static final String ENV_KUBERNETES_SERVICE_NAME = "NINES_CLUSTER_KUBERNETES_SERVICE_NAME";
  public static final String ENV_KUBERNETES_SERVICE_LABEL =
      "NINES_CLUSTER_KUBERNETES_SERVICE_LABEL";
  public static final String ENV_KUBERNETES_POD_LABEL = "NINES_CLUSTER_KUBERNETES_POD_LABEL";
  public static final String ENV_KUBERNETES_SERVICE_DNS = "NINES_CLUSTER_KUBERNETES_SERVICE_DNS";

  /** The Kubernetes settings, for messages that list them. */
  private static final List<String> KUBERNETES_SETTINGS =
      List.of(
          ENV_KUBERNETES_NAMESPACE,
          ENV_KUBERNETES_SERVICE_NAME,
          ENV_KUBERNETES_SERVICE_LABEL,
          ENV_KUBERNETES_POD_LABEL,
          ENV_KUBERNETES_SERVICE_DNS);

  public ClusterOptions {
    Checks.checkNotBlank(clusterName, "clusterName");
    Checks.checkNotBlank(host, "host");
    Checks.checkArgument(port >= 0 && port <= 65535, "port: %s (expected: 0 to 65535)", port);
    Checks.notNull(members, "members");
    members = List.copyOf(members);
    for (int i = 0; i < members.size(); i++) {
      String m = members.get(i);
      Checks.checkArgument(
          m != null && !m.isBlank() && !m.contains(" ") && !m.contains(","),
          "members[%s]: '%s' (expected: host or host:port)",
          i,
          m);
    }
    Checks.checkArgument(
        backupCount >= 1 && backupCount <= 6,
        "backupCount: %s (expected: 1 to 6; results are acknowledged once backed up)",
        backupCount);
    Checks.checkArgument(
        partitionCount >= 1, "partitionCount: %s (expected: >= 1)", partitionCount);
    Checks.notNull(timers, "timers");
    Checks.checkArgument(
        kubernetes == null || members.isEmpty(),
        "members: %s (expected: none with kubernetes discovery, which finds the peers itself)",
        members);
    Checks.notNull(properties, "properties");
    properties = Map.copyOf(properties);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Options from environment variables, each optional: {@value #ENV_NAME}, {@value #ENV_HOST},
   * {@value #ENV_PORT}, {@value #ENV_MEMBERS} (comma-separated {@code host[:port]}), {@value
   * #ENV_BACKUPS}, and the timers {@value #ENV_HEARTBEAT_INTERVAL}, {@value
   * #ENV_HEARTBEAT_TIMEOUT}, {@value #ENV_MERGE_FIRST_DELAY}, {@value #ENV_MERGE_DELAY} (durations
   * in whole seconds: {@code 10s}, {@code 2m}).
   *
   * @param env usually {@code System.getenv()}
   * @throws IllegalArgumentException naming every variable that is wrong and what would be right
   */
  public static ClusterOptions fromEnvironment(Map<String, String> env) {
    return fromSettings(env, Function.identity());
  }

  /**
   * {@link #fromEnvironment} for settings that may have come from elsewhere, such as command-line
   * flags: {@code settings} is keyed by the environment variables' names, and {@code label} says
   * how to name one in an error (e.g. {@code --cluster-port (NINES_CLUSTER_PORT)}).
   *
   * @throws IllegalArgumentException naming every setting that is wrong and what would be right,
   *     one per line
   */
  public static ClusterOptions fromSettings(
      Map<String, String> settings, Function<String, String> label) {
    Settings in = new Settings(settings, label);
    Builder b = builder();
    String name = in.raw(ENV_NAME);
    if (name != null) {
      b.clusterName(name);
    }
    String host = in.raw(ENV_HOST);
    if (host != null) {
      b.host(host);
    }
    b.port(in.integer(ENV_PORT, DEFAULT_PORT, 0, 65535, "a TCP port from 0 to 65535"));
    b.backupCount(in.integer(ENV_BACKUPS, DEFAULT_BACKUP_COUNT, 1, 6, "a count from 1 to 6"));
    String members = in.raw(ENV_MEMBERS);
    if (members != null) {
      List<String> list = new ArrayList<>();
      for (String m : members.split(",")) {
        if (!m.isBlank()) {
          list.add(m.trim());
        }
      }
      b.members(list);
    }
    ClusterTimers d = ClusterTimers.DEFAULTS;
    Duration interval = in.timer(ENV_HEARTBEAT_INTERVAL, d.heartbeatInterval());
    Duration timeout = in.timer(ENV_HEARTBEAT_TIMEOUT, d.heartbeatTimeout());
    Duration first = in.timer(ENV_MERGE_FIRST_DELAY, d.mergeFirstRunDelay());
    Duration next = in.timer(ENV_MERGE_DELAY, d.mergeNextRunDelay());
    if (interval != null && timeout != null) {
      if (timeout.compareTo(interval.multipliedBy(2)) < 0) {
        in.problem(
            ENV_HEARTBEAT_TIMEOUT,
            ClusterTimers.format(timeout),
            "at least twice the heartbeat interval "
                + label.apply(ENV_HEARTBEAT_INTERVAL)
                + " ("
                + ClusterTimers.format(interval)
                + "), so that one lost heartbeat does not remove a member");
      }
    }
    b.kubernetes(kubernetes(in, label));
    if (!in.problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", in.problems));
    }
    b.timers(new ClusterTimers(interval, timeout, first, next));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cluster options: " + e.getMessage());
    }
  }

  /** The Kubernetes discovery the settings ask for, or null for the member list. */
  private static KubernetesDiscovery kubernetes(Settings in, Function<String, String> label) {
    String discovery = in.raw(ENV_DISCOVERY);
    List<String> given = new ArrayList<>();
    for (String k : KUBERNETES_SETTINGS) {
      if (in.raw(k) != null) {
        given.add(k);
      }
    }
    if (discovery == null || discovery.equals("tcp-ip")) {
      for (String k : given) {
        in.problems.add(
            label.apply(k)
                + " applies to kubernetes discovery only: give "
                + label.apply(ENV_DISCOVERY)
                + " kubernetes as well, or drop it");
      }
      return null;
    }
    if (!discovery.equals("kubernetes")) {
      in.problem(ENV_DISCOVERY, discovery, "tcp-ip (the member list, the default) or kubernetes");
      return null;
    }
    if (in.raw(ENV_MEMBERS) != null) {
      in.problems.add(
          label.apply(ENV_MEMBERS)
              + " is for tcp-ip discovery: with kubernetes discovery the members are found through"
              + " Kubernetes; drop it");
    }
    List<String> selectors = new ArrayList<>(given);
    selectors.remove(ENV_KUBERNETES_NAMESPACE);
    if (selectors.size() != 1) {
      in.problems.add(
          "kubernetes discovery needs exactly one way to find the peers, but "
              + (selectors.isEmpty()
                  ? "none was given"
                  : selectors.stream().map(label).toList() + " were given")
              + ": "
              + label.apply(ENV_KUBERNETES_SERVICE_DNS)
              + " (a headless Service's DNS name; no Kubernetes API access needed), or, through"
              + " the Kubernetes API, "
              + label.apply(ENV_KUBERNETES_SERVICE_NAME)
              + ", "
              + label.apply(ENV_KUBERNETES_SERVICE_LABEL)
              + " name=value or "
              + label.apply(ENV_KUBERNETES_POD_LABEL)
              + " name=value");
      return null;
    }
    String dns = in.raw(ENV_KUBERNETES_SERVICE_DNS);
    String namespace = in.raw(ENV_KUBERNETES_NAMESPACE);
    if (dns != null && namespace != null) {
      in.problems.add(
          label.apply(ENV_KUBERNETES_NAMESPACE)
              + " is for the Kubernetes API modes: with "
              + label.apply(ENV_KUBERNETES_SERVICE_DNS)
              + " the DNS name carries the namespace; drop it");
      return null;
    }
    for (String k : List.of(ENV_KUBERNETES_SERVICE_LABEL, ENV_KUBERNETES_POD_LABEL)) {
      String v = in.raw(k);
      if (v != null && !v.matches("[^=\\s]+=[^=\\s]+")) {
        in.problem(k, v, "name=value, e.g. app.kubernetes.io/name=nines-coordinator");
        return null;
      }
    }
    return new KubernetesDiscovery(
        namespace,
        in.raw(ENV_KUBERNETES_SERVICE_NAME),
        in.raw(ENV_KUBERNETES_SERVICE_LABEL),
        in.raw(ENV_KUBERNETES_POD_LABEL),
        dns);
  }

  /** Reads settings and collects what is wrong with them, so that all is said at once. */
  private static final class Settings {
    private final Map<String, String> values;
    private final Function<String, String> label;
    final List<String> problems = new ArrayList<>();

    Settings(Map<String, String> values, Function<String, String> label) {
      this.values = values;
      this.label = label;
    }

    /** The trimmed value, or null when unset or blank. */
    String raw(String key) {
      String v = values.get(key);
      return v == null || v.isBlank() ? null : v.trim();
    }

    void problem(String key, String value, String expected) {
      problems.add(label.apply(key) + " was '" + value + "' but it must be " + expected);
    }

    int integer(String key, int fallback, int min, int max, String expected) {
      String raw = raw(key);
      if (raw == null) {
        return fallback;
      }
      try {
        int v = Integer.parseInt(raw);
        if (v >= min && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // Said below.
      }
      problem(key, values.get(key), expected);
      return fallback;
    }

    /** The duration, the fallback when unset, or null (with a problem) when wrong. */
    Duration timer(String key, Duration fallback) {
      String raw = raw(key);
      if (raw == null) {
        return fallback;
      }
      Duration d = ClusterTimers.parse(raw);
      if (d == null || d.isZero() || d.compareTo(ClusterTimers.MAX) > 0) {
        problem(
            key,
            values.get(key),
            "a duration in whole seconds from 1s to 24h, such as 10s, 2m or 1m30s");
        return null;
      }
      return d;
    }
  }

  /** Collects options; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private String clusterName = DEFAULT_CLUSTER_NAME;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private boolean portAutoIncrement;
    private List<String> members = List.of();
    private int backupCount = DEFAULT_BACKUP_COUNT;
    private int partitionCount = DEFAULT_PARTITION_COUNT;
    private ClusterTimers timers = ClusterTimers.DEFAULTS;
    private KubernetesDiscovery kubernetes;
    private final Map<String, String> properties = new LinkedHashMap<>();

    private Builder() {}

    public Builder clusterName(String clusterName) {
      this.clusterName = clusterName;
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

    public Builder portAutoIncrement(boolean portAutoIncrement) {
      this.portAutoIncrement = portAutoIncrement;
      return this;
    }

    public Builder members(List<String> members) {
      this.members = members;
      return this;
    }

    public Builder backupCount(int backupCount) {
      this.backupCount = backupCount;
      return this;
    }

    public Builder partitionCount(int partitionCount) {
      this.partitionCount = partitionCount;
      return this;
    }

    /** The heartbeat and merge timers; {@link ClusterTimers#DEFAULTS} unless set. */
    public Builder timers(ClusterTimers timers) {
      this.timers = timers;
      return this;
    }

    /** Finds the peers through Kubernetes instead of {@link #members}; null (the default) not. */
    public Builder kubernetes(KubernetesDiscovery kubernetes) {
      this.kubernetes = kubernetes;
      return this;
    }

    /** Sets one Hazelcast property, e.g. {@code hazelcast.max.no.heartbeat.seconds}. */
    public Builder property(String name, String value) {
      Checks.checkNotBlank(name, "name");
      Checks.notNull(value, "value");
      properties.put(name, value);
      return this;
    }

    /**
     * @throws IllegalArgumentException or NullPointerException naming the option that is wrong
     */
    public ClusterOptions build() {
      return new ClusterOptions(
          clusterName,
          host,
          port,
          portAutoIncrement,
          members,
          backupCount,
          partitionCount,
          timers,
          kubernetes,
          properties);
    }
  }
}
