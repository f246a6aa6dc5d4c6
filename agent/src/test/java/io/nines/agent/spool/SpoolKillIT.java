package io.nines.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code kill -9}: a separate JVM appends to a spool and acknowledges as it goes, and is
 * killed with SIGKILL ({@link ProcessHandle#destroyForcibly()}) in mid-stream. Reopening the spool
 * must find every record whose append had returned, in order, from the cursor on.
 */
class SpoolKillIT {
  @TempDir Path dir;

  @Test
  void whenTheWriterIsKilledMidStream_thenEveryAppendedRecordIsThereAfterReopen() throws Exception {
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) {
      classpath = System.getProperty("java.class.path");
    }
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                classpath,
                SpoolWriterMain.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    long lastWritten = 0;
    long lastAcked = 0;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        long n = Long.parseLong(line.substring(2));
        if (line.startsWith("w ")) {
          lastWritten = n;
        } else {
          lastAcked = n;
        }
        if (lastWritten >= 3_000 && p.isAlive()) {
          // SIGKILL on Linux: no shutdown hook, no close. Through the handle, which (unlike
          // Process.destroyForcibly) leaves the pipe open, so what it printed can still be read.
          p.toHandle().destroyForcibly();
        }
        // Read on to the end: the lines it printed before the signal landed count too.
      }
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(lastWritten)
        .as("records the killed writer had appended")
        .isGreaterThanOrEqualTo(3_000);

    try (Spool spool = Spool.open(new SpoolOptions(dir, 1024 * 1024, 64 * 1024, 0))) {
      List<Long> left = new ArrayList<>();
      for (byte[] r : spool.read(Integer.MAX_VALUE).records()) {
        left.add(SpoolWriterMain.number(r));
      }
      assertThat(left).isNotEmpty();
      long first = left.get(0);
      // Contiguous from the cursor to the newest record: nothing in between was lost or torn.
      for (int i = 0; i < left.size(); i++) {
        assertThat(left.get(i)).isEqualTo(first + i);
      }
      assertThat(left.get(left.size() - 1)).isGreaterThanOrEqualTo(lastWritten);
      // The cursor is where the writer last acknowledged (it may have acked once more unseen).
      assertThat(first - 1).isBetween(lastAcked, lastAcked + 50);
    }
    assertThat(new File(dir.toFile(), "cursor")).exists();
  }
}
