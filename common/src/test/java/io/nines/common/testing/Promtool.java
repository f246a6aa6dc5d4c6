package io.nines.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own linter for a {@code /metrics} page: {@code promtool check metrics} (Debian's
 * {@code prometheus} package, which {@code scripts/test-peers} installs and records as {@code
 * promtool}). Without it the test is skipped with a reason, except under {@code CI=true}, where it
 * fails.
 */
public final class Promtool {
  private Promtool() {}

  /** What promtool said: its exit code and everything it wrote. */
  public record Verdict(int exitCode, String output) {}

  /** Runs {@code promtool check metrics} on {@code exposition}, the text of a scrape. */
  public static Verdict checkMetrics(String exposition) throws Exception {
    Path binary = TestPeers.binary("promtool", List.of("promtool"), "prometheus");
    Process p =
        new ProcessBuilder(binary.toString(), "check", "metrics").redirectErrorStream(true).start();
    CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(p));
    try (OutputStream in = p.getOutputStream()) {
      in.write(exposition.getBytes(StandardCharsets.UTF_8));
    }
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool check metrics did not finish within 30 s");
    }
    return new Verdict(
        p.exitValue(), new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  /**
   * Runs {@code promtool ARGS...} in {@code dir}, e.g. {@code check rules nines.rules.yml} or
   * {@code test rules nines.rules.test.yml}.
   */
  public static Verdict run(Path dir, String... args) throws Exception {
    Path binary = TestPeers.binary("promtool", List.of("promtool"), "prometheus");
    List<String> command = new java.util.ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> readAll(p));
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
    }
    return new Verdict(
        p.exitValue(), new String(output.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  private static byte[] readAll(Process p) {
    try (InputStream out = p.getInputStream()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      out.transferTo(bytes);
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
