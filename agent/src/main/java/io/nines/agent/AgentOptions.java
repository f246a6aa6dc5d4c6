package io.nines.agent;

import io.nines.agent.spool.SpoolOptions;
import io.nines.common.Checks;
import java.nio.file.Path;
import java.util.List;

/**
 * How an agent runs.
 *
 * @param agentId unique id, e.g. {@code eu-west-1}
 * @param location where it probes from; it runs the checks that list this location
 * @param coordinators coordinator base URLs, tried in order
 * @param token the bearer token it authenticates with
 * @param httpHost the interface its {@code /metrics} and health endpoints listen on
 * @param httpPort their port; 0 picks a free one
 * @param maxInFlight the most probes at once
 * @param maxPerHost the most probes at once against one target host
 * @param batchSize the most results in one post to the coordinator
 * @param maxBuffered the most results held in memory while they wait to be written to the spool
 *     (only reached when the disk stalls; the spool itself holds results while the coordinator is
 *     away)
 * @param flushMillis how long a result waits for its batch to fill
 * @param probeLoops how many event loops probe: the checks are split among that many schedulers,
 *     each on its own Vert.x context, and {@code maxInFlight} and {@code maxPerHost} are split
 *     evenly among them (rounded up). One per core is best: a single event loop keeps one core busy
 *     and leaves the others idle.
 * @param spool where and how results are spooled on disk before they are shipped
 * @param coordinatorCaFile a PEM file of the CAs that sign the coordinators' certificates, or null
 *     to trust the JDK's CAs
 */
public record AgentOptions(
    String agentId,
    String location,
    List<String> coordinators,
    String token,
    String httpHost,
    int httpPort,
    int maxInFlight,
    int maxPerHost,
    int batchSize,
    int maxBuffered,
    long flushMillis,
    int probeLoops,
    SpoolOptions spool,
    String coordinatorCaFile) {
  public AgentOptions {
    Checks.checkNotBlank(agentId, "agentId");
    Checks.checkNotBlank(location, "location");
    coordinators = List.copyOf(coordinators);
    Checks.checkArgument(
        !coordinators.isEmpty(), "coordinators: [] (expected: at least one coordinator URL)");
    Checks.checkNotBlank(token, "token");
    Checks.checkArgument(
        httpPort >= 0 && httpPort <= 65535, "httpPort: %s (expected: 0 to 65535)", httpPort);
    Checks.checkPositive(maxInFlight, "maxInFlight");
    Checks.checkPositive(maxPerHost, "maxPerHost");
    Checks.checkPositive(batchSize, "batchSize");
    Checks.checkPositive(maxBuffered, "maxBuffered");
    Checks.checkPositive(flushMillis, "flushMillis");
    Checks.checkPositive(probeLoops, "probeLoops");
    Checks.notNull(spool, "spool");
  }

  /**
   * Options with the defaults for everything but identity and coordinators: 1024 probes in flight,
   * 64 per target host, batches of 500, 100,000 results buffered, a flush each second, one probe
   * loop per core, and a spool at {@code data/spool/<agentId>} under the working directory, 512
   * MiB, forced to disk per group.
   */
  public static AgentOptions defaults(
      String agentId, String location, List<String> coordinators, String token) {
    return new AgentOptions(
        agentId,
        location,
        coordinators,
        token,
        "127.0.0.1",
        0,
        1024,
        64,
        500,
        100_000,
        1000,
        Runtime.getRuntime().availableProcessors(),
        SpoolOptions.defaults(Path.of("data", "spool", agentId)),
        null);
  }

  /** These options with other concurrency bounds. */
  public AgentOptions withLimits(int maxInFlight, int maxPerHost, int probeLoops) {
    return new AgentOptions(
        agentId,
        location,
        coordinators,
        token,
        httpHost,
        httpPort,
        maxInFlight,
        maxPerHost,
        batchSize,
        maxBuffered,
        flushMillis,
        probeLoops,
        spool,
        coordinatorCaFile);
  }

  /** These options with the coordinators' CA file. */
  public AgentOptions withCoordinatorCa(String caFile) {
    return new AgentOptions(
        agentId,
        location,
        coordinators,
        token,
        httpHost,
        httpPort,
        maxInFlight,
        maxPerHost,
        batchSize,
        maxBuffered,
        flushMillis,
        probeLoops,
        spool,
        caFile);
  }

  public AgentOptions withSpool(SpoolOptions spool) {
    return new AgentOptions(
        agentId,
        location,
        coordinators,
        token,
        httpHost,
        httpPort,
        maxInFlight,
        maxPerHost,
        batchSize,
        maxBuffered,
        flushMillis,
        probeLoops,
        spool,
        coordinatorCaFile);
  }

  public AgentOptions withHttpPort(String host, int port) {
    return new AgentOptions(
        agentId,
        location,
        coordinators,
        token,
        host,
        port,
        maxInFlight,
        maxPerHost,
        batchSize,
        maxBuffered,
        flushMillis,
        probeLoops,
        spool,
        coordinatorCaFile);
  }
}
