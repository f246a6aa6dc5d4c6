package io.nines.agent.browser;

import io.nines.common.TimeSource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One headless Chromium process with a fresh profile, and the DevTools connection to it.
 *
 * <p>It is started as {@code chromium --headless=new --remote-debugging-port=0
 * --user-data-dir=<fresh temp dir> --no-first-run --no-default-browser-check --disable-gpu} (plus
 * {@code --no-sandbox} when the agent runs as root, where Chromium's sandbox refuses to start); the
 * port it chose is read from {@code <profile>/DevToolsActivePort}. {@link #close} kills the whole
 * process tree ({@link ProcessHandle#descendants()}, then the browser, forcibly) and deletes the
 * profile.
 *
 * <p>Threads: {@link #launch} and {@link #close} are called on a Vert.x context and complete on it;
 * starting the process, waiting for it and deleting files run on worker threads.
 */
final class Chromium {
  /** Names an executable may have, looked for on {@code PATH} and in {@code /usr/bin}. */
  static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

  /** The most of Chromium's own output kept to explain a failed start. */
  private static final int LOG_TAIL_CHARS = 600;

  private final Vertx vertx;
  private final Process process;
  private final Path profile;
  private CdpClient cdp;
  private boolean closed;

  private Chromium(Vertx vertx, Process process, Path profile) {
    this.vertx = vertx;
    this.process = process;
    this.profile = profile;
  }

  /**
   * The Chromium to use: {@code configured} when given (an error later if it can't start), else the
   * first of {@link #NAMES} on {@code PATH} or in {@code /usr/bin}.
   */
  static Optional<Path> locate(String configured, Map<String, String> env) {
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    List<Path> candidates = new ArrayList<>();
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        NAMES.forEach(n -> candidates.add(Path.of(dir, n)));
      }
    }
    NAMES.forEach(n -> candidates.add(Path.of("/usr/bin", n)));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  /** The command line; {@code --no-sandbox} only as root, where the sandbox can't start. */
  static List<String> command(Path executable, Path profile, int width, int height, boolean root) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable.toString());
    cmd.add("--headless=new");
    cmd.add("--remote-debugging-port=0");
    cmd.add("--remote-debugging-address=127.0.0.1");
    cmd.add("--user-data-dir=" + profile);
    cmd.add("--no-first-run");
    cmd.add("--no-default-browser-check");
    cmd.add("--disable-gpu");
    cmd.add("--disable-dev-shm-usage");
    cmd.add("--disable-background-networking");
    cmd.add("--disable-component-update");
    cmd.add("--disable-sync");
    cmd.add("--metrics-recording-only");
    cmd.add("--mute-audio");
    cmd.add("--window-size=" + width + "," + height);
    if (root) {
      cmd.add("--no-sandbox");
    }
    cmd.add("about:blank");
    return cmd;
  }

  /**
   * {@code command} under a watchdog shell, so that Chromium dies with the agent even when the
   * agent is killed with SIGKILL (when no shutdown hook runs): the shell starts Chromium in its own
   * process group ({@code setsid}) and, beside it, a reader of its standard input, a pipe from the
   * agent; when the agent's process ends (or closes the pipe), the read returns and the reader
   * kills Chromium's whole process group, after leaving a mark in the profile. The shell itself
   * waits for Chromium: once Chromium has exited, for whatever reason, the shell kills what is left
   * of its group and exits with Chromium's status, so that a browser that dies as it starts is seen
   * at once rather than at the start's deadline. It deletes the profile ({@code NINES_PROFILE})
   * only when the agent is gone (the mark): a live agent reads Chromium's output there to say why
   * the start failed, then deletes it itself. Without {@code /bin/sh} and {@code setsid} the
   * command runs as it is.
   */
  static List<String> watched(List<String> command) {
    if (!Files.isExecutable(Path.of("/bin/sh"))
        || !Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      return command;
    }
    List<String> out = new ArrayList<>();
    out.add("/bin/sh");
    out.add("-c");
    out.add(
        // The pipe is kept as fd 3 for the reader: a background command's standard input is
        // /dev/null in a shell without job control.
        "exec 3<&0; /usr/bin/setsid \"$0\" \"$@\" </dev/null 3<&- & c=$!;"
            + " { cat <&3 >/dev/null; : 2>/dev/null >\"$NINES_PROFILE/.agent-gone\";"
            + " kill -9 -$c 2>/dev/null; kill -9 $c 2>/dev/null; } & r=$!;"
            + " wait $c; s=$?; kill -9 -$c 2>/dev/null;"
            + " if [ -e \"$NINES_PROFILE/.agent-gone\" ]; then"
            + " case \"$NINES_PROFILE\" in */nines-chromium-*) rm -rf -- \"$NINES_PROFILE\";; esac;"
            + " else kill $r 2>/dev/null; fi; exit $s");
    out.addAll(command);
    return out;
  }

  /** Whether this process runs as root (uid 0), where Chromium needs {@code --no-sandbox}. */
  static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /**
   * Starts Chromium with a fresh profile and connects to it.
   *
   * @param registry takes the process as soon as it exists, so that it is reaped on agent stop
   *     whatever happens next
   * @param timeout how long the start may take, connection included
   * @return the browser; or a failure naming why it did not start (with the tail of Chromium's own
   *     output), after its processes were killed and its profile deleted
   */
  static Future<Chromium> launch(
      Vertx vertx,
      TimeSource time,
      Path executable,
      int width,
      int height,
      Duration timeout,
      ProcessRegistry registry) {
    long deadline = time.monotonicNanos() + timeout.toNanos();
    return vertx
        .executeBlocking(
            () -> {
              Path profile = Files.createTempDirectory("nines-chromium-");
              try {
                ProcessBuilder pb =
                    new ProcessBuilder(
                            watched(command(executable, profile, width, height, runningAsRoot())))
                        .redirectInput(ProcessBuilder.Redirect.PIPE)
                        .redirectErrorStream(true)
                        .redirectOutput(profile.resolve("chromium.log").toFile());
                pb.environment().remove("DISPLAY");
                // For the watchdog, which deletes the profile should the agent die first.
                pb.environment().put("NINES_PROFILE", profile.toString());
                Process p = pb.start();
                return new Chromium(vertx, p, profile);
              } catch (IOException | RuntimeException e) {
                deleteTree(profile);
                throw e;
              }
            },
            false)
        .compose(
            chromium -> {
              registry.add(chromium);
              return chromium
                  .awaitPort(time, deadline)
                  .compose(pp -> CdpClient.connect(vertx, pp.port(), pp.path()))
                  .map(
                      cdp -> {
                        chromium.cdp = cdp;
                        return chromium;
                      })
                  .recover(
                      e ->
                          chromium
                              .startFailure(e)
                              .compose(
                                  message ->
                                      chromium
                                          .close(registry)
                                          .transform(v -> Future.failedFuture(message))));
            });
  }

  private record PortAndPath(int port, String path) {}

  /** Polls {@code DevToolsActivePort} every 25 ms on a worker until the deadline. */
  private Future<PortAndPath> awaitPort(TimeSource time, long deadlineNanos) {
    Promise<PortAndPath> promise = Promise.promise();
    poll(time, deadlineNanos, promise);
    return promise.future();
  }

  private void poll(TimeSource time, long deadlineNanos, Promise<PortAndPath> promise) {
    vertx
        .executeBlocking(
            () -> {
              Path file = profile.resolve("DevToolsActivePort");
              if (!Files.isRegularFile(file)) {
                return null;
              }
              List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
              if (lines.size() < 2 || lines.get(0).isBlank()) {
                return null; // written but not yet whole
              }
              return new PortAndPath(Integer.parseInt(lines.get(0).trim()), lines.get(1).trim());
            },
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() != null) {
                promise.tryComplete(ar.result());
              } else if (!process.isAlive()) {
                promise.tryFail(
                    new IllegalStateException(
                        "Chromium exited with status " + process.exitValue() + " as it started"));
              } else if (time.monotonicNanos() >= deadlineNanos) {
                promise.tryFail(
                    new IllegalStateException("Chromium did not open its DevTools port in time"));
              } else {
                vertx.setTimer(25, t -> poll(time, deadlineNanos, promise));
              }
            });
  }

  /** Why the start failed, with the tail of Chromium's output; read on a worker. */
  private Future<String> startFailure(Throwable cause) {
    return vertx
        .executeBlocking(
            () -> {
              Path log = profile.resolve("chromium.log");
              String text = Files.isRegularFile(log) ? Files.readString(log) : "";
              text = text.strip();
              if (text.length() > LOG_TAIL_CHARS) {
                text = "..." + text.substring(text.length() - LOG_TAIL_CHARS);
              }
              return cause.getMessage() + (text.isEmpty() ? "" : "; its output ended: " + text);
            },
            false)
        .recover(e -> Future.succeededFuture(String.valueOf(cause.getMessage())));
  }

  /** The DevTools connection; null before {@link #launch} completed. */
  CdpClient cdp() {
    return cdp;
  }

  /** The browser process's id. */
  long pid() {
    return process.pid();
  }

  /** The browser process and every process it started, as they are now. */
  List<ProcessHandle> processTree() {
    List<ProcessHandle> tree = new ArrayList<>();
    tree.add(process.toHandle());
    try (Stream<ProcessHandle> d = process.toHandle().descendants()) {
      d.forEach(tree::add);
    }
    return tree;
  }

  /**
   * Closes the connection, kills every process of the tree and deletes the profile; idempotent.
   * Completes when the processes are gone (or after 5 s of waiting) and the profile is deleted.
   */
  Future<Void> close(ProcessRegistry registry) {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    Future<Void> socket = cdp == null ? Future.succeededFuture() : cdp.close();
    return socket
        .recover(e -> Future.succeededFuture())
        .compose(
            v ->
                vertx.executeBlocking(
                    () -> {
                      reap();
                      return null;
                    },
                    false))
        .eventually(() -> Future.succeededFuture(registry.remove(this)))
        .mapEmpty();
  }

  /**
   * Kills the tree now and deletes the profile: descendants first (renderers, the zygote, the GPU
   * process), then the browser, forcibly. Blocks for up to 5 s; safe to call twice and from a
   * shutdown hook.
   */
  void reap() {
    try {
      process.getOutputStream().close(); // the watchdog shell's cue, should the kills below miss
    } catch (IOException e) {
      // Already closed.
    }
    List<ProcessHandle> tree;
    try {
      tree = processTree();
    } catch (RuntimeException e) {
      tree = List.of(process.toHandle());
    }
    // Descendants found before anything dies (once a process is gone its children are
    // re-parented and no longer show as descendants); killed from the leaves up, and the
    // watchdog shell (the root) last, after it has reaped Chromium on its stdin's close.
    for (int i = tree.size() - 1; i >= 1; i--) {
      tree.get(i).destroyForcibly();
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle h : tree) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Waited long enough: a process that survives SIGKILL is beyond our reach.
      }
    }
    deleteTree(profile);
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // A profile that can't be deleted is left in the temp directory; the OS cleans it.
    }
  }

  /** Where the profile lives; deleted by {@link #close}. */
  Path profile() {
    return profile;
  }
}
