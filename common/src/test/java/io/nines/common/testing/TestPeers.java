package io.nines.common.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * The real programs integration tests talk to, as {@code scripts/test-peers} installed and recorded
 * them in {@code target/test-peers.properties} at the repository root ({@code alertmanager=...},
 * {@code promtool=...}). A peer recorded as missing, or not recorded, is looked for on {@code PATH}
 * and under {@code /usr/bin}. Where it can't be found the test is skipped with the reason, except
 * under {@code CI=true}, where a missing peer is a failure.
 */
public final class TestPeers {
  private TestPeers() {}

  /**
   * The executable of the peer {@code property}, such as {@code promtool}.
   *
   * @param names the file names it may have, first preferred, such as {@code
   *     [prometheus-alertmanager, alertmanager]}
   * @param debianPackage the Debian package that provides it, for the skip message
   */
  public static Path binary(String property, List<String> names, String debianPackage) {
    Optional<Path> found = find(property, names);
    if (found.isPresent()) {
      return found.get();
    }
    String reason =
        property
            + " is not installed (looked in "
            + peersFile().map(Path::toString).orElse("target/test-peers.properties")
            + ", on PATH for "
            + names
            + " and in /usr/bin): run scripts/test-peers as root, which installs Debian's "
            + debianPackage;
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + reason);
    }
    System.err.println("SKIPPED (" + property + " peer missing): " + reason);
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }

  static Optional<Path> find(String property, List<String> names) {
    List<Path> candidates = new ArrayList<>();
    String recorded = properties().getProperty(property, "missing").trim();
    if (!recorded.isEmpty() && !recorded.equals("missing")) {
      candidates.add(Path.of(recorded));
    }
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        names.forEach(n -> candidates.add(Path.of(dir, n)));
      }
    }
    names.forEach(n -> candidates.add(Path.of("/usr/bin", n)));
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  private static Properties properties() {
    Properties p = new Properties();
    Optional<Path> file = peersFile();
    if (file.isPresent() && Files.isRegularFile(file.get())) {
      try (InputStream in = Files.newInputStream(file.get())) {
        p.load(in);
      } catch (IOException e) {
        // An unreadable file is as good as none: the PATH is searched next.
      }
    }
    return p;
  }

  /** {@code target/test-peers.properties} of the repository the test runs in. */
  static Optional<Path> peersFile() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("scripts/test-peers"))) {
        return Optional.of(dir.resolve("target/test-peers.properties"));
      }
    }
    return Optional.empty();
  }
}
