package io.nines.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Members on a network of their own: one Linux network namespace per member, each with a veth pair
 * whose host end is on one bridge that this class creates, in a private /24 ({@code 10.213.N.0/24}:
 * the host's bridge address {@code .1}, the members {@code .11}, {@code .12}, ...). The host
 * reaches every member and every member the host; {@link #cut} and {@link #heal} drop and restore
 * the traffic between members only, with blackhole routes on both sides, so a cut-off member still
 * serves its clients and reaches the host (its database relay, the pager).
 *
 * <p>Needs root and iproute2; {@link #unusable()} says why not. {@link #close()} removes everything
 * it created, also after a failure halfway.
 */
final class NetworkNamespaces implements AutoCloseable {
  private static final List<String> IP_PATHS =
      List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip");
  private static final List<String> TC_PATHS =
      List.of("/usr/sbin/tc", "/sbin/tc", "/usr/bin/tc", "/bin/tc");

  private final String suffix;
  private final int subnet;
  private final String bridge;
  private final List<String> namespaces = new ArrayList<>();
  private final List<String> hostEnds = new ArrayList<>();
  private boolean bridgeUp;

  private NetworkNamespaces() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    suffix = Integer.toString(r.nextInt(36 * 36 * 36), 36);
    subnet = 16 + r.nextInt(200);
    bridge = "nbr" + suffix;
  }

  /** Why the namespaces can't be made here, or null when they can. */
  static String unusable() {
    if (ip() == null) {
      return "iproute2's ip is not installed (looked in " + IP_PATHS + ")";
    }
    try {
      String uid = run(List.of("id", "-u")).trim();
      if (!uid.equals("0")) {
        return "creating network namespaces needs root, and this runs as uid " + uid;
      }
    } catch (IllegalStateException e) {
      return "can't tell whether this runs as root: " + e.getMessage();
    }
    return null;
  }

  private static String ip() {
    return IP_PATHS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
  }

  private static String tc() {
    return TC_PATHS.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
  }

  /** Creates the bridge and {@code n} namespaces on it, each with its address and loopback up. */
  static NetworkNamespaces create(int n) {
    NetworkNamespaces net = new NetworkNamespaces();
    try {
      String ip = ip();
      run(List.of(ip, "link", "add", net.bridge, "type", "bridge"));
      net.bridgeUp = true;
      run(List.of(ip, "addr", "add", net.host() + "/24", "dev", net.bridge));
      run(List.of(ip, "link", "set", net.bridge, "up"));
      for (int i = 0; i < n; i++) {
        String ns = "nines-" + net.suffix + "-" + i;
        String hostEnd = "nv" + net.suffix + i;
        String memberEnd = hostEnd + "m";
        run(List.of(ip, "netns", "add", ns));
        net.namespaces.add(ns);
        run(List.of(ip, "link", "add", hostEnd, "type", "veth", "peer", "name", memberEnd));
        net.hostEnds.add(hostEnd);
        run(List.of(ip, "link", "set", memberEnd, "netns", ns));
        run(List.of(ip, "link", "set", hostEnd, "master", net.bridge));
        run(List.of(ip, "link", "set", hostEnd, "up"));
        run(List.of(ip, "-n", ns, "addr", "add", net.address(i) + "/24", "dev", memberEnd));
        run(List.of(ip, "-n", ns, "link", "set", memberEnd, "up"));
        run(List.of(ip, "-n", ns, "link", "set", "lo", "up"));
      }
      return net;
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /** The host's address on the bridge. */
  String host() {
    return "10.213." + subnet + ".1";
  }

  /** Member {@code i}'s address. */
  String address(int i) {
    return "10.213." + subnet + "." + (11 + i);
  }

  /** The command prefix that runs a program in member {@code i}'s namespace. */
  List<String> exec(int i) {
    return List.of(ip(), "netns", "exec", namespaces.get(i));
  }

  /** Drops all traffic between member {@code i} and the others, both ways. */
  void cut(int i) {
    routes(i, "add");
  }

  /** Restores the traffic that {@link #cut} dropped. */
  void heal(int i) {
    routes(i, "del");
  }

  private void routes(int i, String verb) {
    for (int j = 0; j < namespaces.size(); j++) {
      if (j != i) {
        run(List.of(ip(), "-n", namespaces.get(i), "route", verb, "blackhole", address(j) + "/32"));
        run(List.of(ip(), "-n", namespaces.get(j), "route", verb, "blackhole", address(i) + "/32"));
      }
    }
  }

  /**
   * Adds {@code delayMillis} of latency to everything member {@code i} sends, with {@code tc
   * netem}.
   *
   * @return null when done, else why not (no tc, or the kernel has no netem)
   */
  String addLatency(int i, int delayMillis) {
    if (tc() == null) {
      return "tc is not installed";
    }
    try {
      run(
          List.of(
              ip(),
              "netns",
              "exec",
              namespaces.get(i),
              tc(),
              "qdisc",
              "add",
              "dev",
              hostEnds.get(i) + "m",
              "root",
              "netem",
              "delay",
              delayMillis + "ms"));
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage();
    }
  }

  void removeLatency(int i) {
    run(
        List.of(
            ip(),
            "netns",
            "exec",
            namespaces.get(i),
            tc(),
            "qdisc",
            "del",
            "dev",
            hostEnds.get(i) + "m",
            "root"));
  }

  /** Runs a command, bounded; its output, or an exception naming the command and its output. */
  static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + ": no answer within 15 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited with " + p.exitValue() + ": " + out.trim());
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
    }
  }

  /** Removes the veths (both ends), the bridge and the namespaces; keeps going past failures. */
  @Override
  public void close() {
    List<String> failures = new ArrayList<>();
    String ip = ip();
    for (String hostEnd : hostEnds) {
      tryRun(List.of(ip, "link", "del", hostEnd), failures);
    }
    if (bridgeUp) {
      tryRun(List.of(ip, "link", "del", bridge), failures);
    }
    for (String ns : namespaces) {
      tryRun(List.of(ip, "netns", "del", ns), failures);
    }
    if (!failures.isEmpty()) {
      System.err.println("NetworkNamespaces: cleaning up left errors: " + failures);
    }
  }

  private static void tryRun(List<String> command, List<String> failures) {
    try {
      run(command);
    } catch (IllegalStateException e) {
      failures.add(e.getMessage());
    }
  }
}
