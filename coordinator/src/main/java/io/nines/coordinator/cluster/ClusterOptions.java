package io.nines.coordinator.cluster;

import io.nines.common.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a coordinator joins its cluster. Build with {@link #builder()}, or read the environment with
 * {@link #fromEnvironment(Map)}.
 *
 * <p>Members find each other by a TCP member list; multicast and Hazelcast's cloud auto-detection
 * are off, so a member joins only the peers it was told about, and only those with the same {@code
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
    Checks.notNull(properties, "properties");
    properties = Map.copyOf(properties);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Options from environment variables, each optional: {@value #ENV_NAME}, {@value #ENV_HOST},
   * {@value #ENV_PORT}, {@value #ENV_MEMBERS} (comma-separated {@code host[:port]}) and {@value
   * #ENV_BACKUPS}.
   *
   * @param env usually {@code System.getenv()}
   * @throws IllegalArgumentException naming the variable that is wrong and what would be right
   */
  public static ClusterOptions fromEnvironment(Map<String, String> env) {
    Builder b = builder();
    String name = env.get(ENV_NAME);
    if (name != null && !name.isBlank()) {
      b.clusterName(name.trim());
    }
    String host = env.get(ENV_HOST);
    if (host != null && !host.isBlank()) {
      b.host(host.trim());
    }
    b.port(intOf(env, ENV_PORT, DEFAULT_PORT, "a TCP port from 0 to 65535"));
    b.backupCount(intOf(env, ENV_BACKUPS, DEFAULT_BACKUP_COUNT, "a count from 1 to 6"));
    String members = env.get(ENV_MEMBERS);
    if (members != null && !members.isBlank()) {
      List<String> list = new ArrayList<>();
      for (String m : members.split(",")) {
        if (!m.isBlank()) {
          list.add(m.trim());
        }
      }
      b.members(list);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cluster options from the environment: " + e.getMessage());
    }
  }

  private static int intOf(Map<String, String> env, String name, int fallback, String expected) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " was '" + raw + "' but it must be " + expected);
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
          properties);
    }
  }
}
