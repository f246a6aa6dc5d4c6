package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers ({@code ./nines} and the agent distribution's {@code bin/nines-agent}) start the
 * JVM with heap and metaspace limits by default, and {@code NINES_JAVA_OPTS} overrides them. A
 * stand-in {@code java} (through {@code JAVA_HOME}) records the command line; the real JVM then
 * says which heap limit that command line gives.
 */
class LaunchersTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @TempDir Path tmp;
  private Path javaHome;
  private Path fakeBin;
  private Path argsFile;
  private Path cdsDir;

  @BeforeEach
  void fakeJava() throws IOException {
    javaHome = Files.createDirectories(tmp.resolve("jdk/bin")).getParent();
    argsFile = tmp.resolve("args");
    cdsDir = tmp.resolve("cds");
    executable(javaHome.resolve("bin/java"), "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGS_FILE\"\n");
    // ./nines builds when the sources are newer than its jar: a stand-in mvn keeps that a no-op.
    fakeBin = Files.createDirectories(tmp.resolve("bin"));
    executable(fakeBin.resolve("mvn"), "#!/bin/sh\nexit 0\n");
  }

  @Test
  void whenNinesStartsAnAgent_thenTheJvmHasASmallHeapAndMetaspaceLimit() throws Exception {
    List<String> args = launch(ROOT.resolve("nines"), Map.of(), "agent", "--help");

    assertThat(jvmOptions(args))
        .contains("-Xmx128m", "-XX:MaxMetaspaceSize=96m", "-XX:+ExitOnOutOfMemoryError");
    assertThat(args).endsWith("io.nines.cli.Main", "agent", "--help");
    assertThat(maxHeapMiB(jvmOptions(args))).isEqualTo(128);
  }

  @Test
  void whenNinesStartsOtherCommands_thenEachHasItsLimit() throws Exception {
    assertThat(jvmOptions(launch(ROOT.resolve("nines"), Map.of(), "coordinator")))
        .contains("-Xmx1g", "-XX:MaxMetaspaceSize=192m");
    assertThat(jvmOptions(launch(ROOT.resolve("nines"), Map.of(), "up")))
        .contains("-Xmx512m", "-XX:MaxMetaspaceSize=192m");
    assertThat(jvmOptions(launch(ROOT.resolve("nines"), Map.of(), "config", "validate", "x")))
        .contains("-Xmx256m", "-XX:MaxMetaspaceSize=128m");
  }

  @Test
  void whenNinesJavaOptsGivesAHeap_thenItWins() throws Exception {
    List<String> args =
        launch(
            ROOT.resolve("nines"),
            Map.of("NINES_JAVA_OPTS", "-Xmx64m -XX:MaxMetaspaceSize=80m"),
            "agent");

    List<String> jvm = jvmOptions(args);
    assertThat(jvm.lastIndexOf("-Xmx64m")).isGreaterThan(jvm.indexOf("-Xmx128m"));
    assertThat(maxHeapMiB(jvm)).isEqualTo(64);
  }

  @Test
  void whenTheAgentDistributionStarts_thenItsDefaultsBoundTheJvmAndNinesJavaOptsWins()
      throws Exception {
    Path launcher = ROOT.resolve("agent-dist/src/dist/bin/nines-agent");

    List<String> defaults = jvmOptions(launch(launcher, Map.of()));
    List<String> overridden = jvmOptions(launch(launcher, Map.of("NINES_JAVA_OPTS", "-Xmx256m")));

    assertThat(defaults)
        .contains(
            "-Xmx128m",
            "-XX:MaxNewSize=8m",
            "-XX:NewRatio=8",
            "-XX:MaxHeapFreeRatio=50",
            "-XX:StringTableSize=16384",
            "-XX:MaxMetaspaceSize=96m",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError");
    assertThat(maxHeapMiB(defaults)).isEqualTo(128);
    assertThat(maxHeapMiB(overridden)).isEqualTo(256);
    // By default the client compiler only (docs/deploy-agent.md, "Memory"); C2 comes back with
    // NINES_JAVA_OPTS, as that page says.
    List<String> c2 =
        jvmOptions(launch(launcher, Map.of("NINES_JAVA_OPTS", "-XX:TieredStopAtLevel=4")));
    assertThat(finalFlag(defaults, "TieredStopAtLevel")).isEqualTo("1");
    // A heap that starts at 8 MiB with a young generation of a ninth of it, at most 8 MiB
    // whatever the heap bound, and gives back at once what a full collection leaves more than
    // half free (docs/deploy-agent.md, "Memory").
    Map<String, String> flags = printFlagsFinal(defaults);
    assertThat(flags.get("InitialHeapSize")).isEqualTo(String.valueOf(8 * 1024 * 1024));
    assertThat(flags.get("MaxNewSize")).isEqualTo(String.valueOf(8 * 1024 * 1024));
    assertThat(flags.get("NewRatio")).isEqualTo("8");
    assertThat(flags.get("StringTableSize")).isEqualTo("16384");
    assertThat(flags.get("MaxHeapFreeRatio")).isEqualTo("50");
    assertThat(flags.get("ShrinkHeapInSteps")).isEqualTo("false");
    assertThat(finalFlag(c2, "TieredStopAtLevel")).isEqualTo("4");
  }

  @Test
  void whenJavaOptsReplacesTheAgentsDefaults_thenNettyStillGetsItsUnzeroedDirectBuffers()
      throws Exception {
    Path launcher = ROOT.resolve("agent-dist/src/dist/bin/nines-agent");

    List<String> defaults = jvmOptions(launch(launcher, Map.of()));
    List<String> replaced =
        jvmOptions(launch(launcher, Map.of("JAVA_OPTS", "-Xmx256m -XX:+UseParallelGC")));

    // Not a sizing flag: Netty allocates direct memory without zeroing it only where it may
    // reach DirectByteBuffer's constructor (docs/deploy-agent.md, "Memory").
    for (List<String> options : List.of(defaults, replaced)) {
      assertThat(options)
          .contains(
              "--add-opens=java.base/java.nio=ALL-UNNAMED",
              "-Dio.netty.tryReflectionSetAccessible=true");
    }
    assertThat(replaced).doesNotContain("-Xms8m", "-XX:+UseSerialGC");
    assertThat(maxHeapMiB(replaced)).isEqualTo(256);
  }

  @Test
  void whenTheAgentDistributionHasItsOwnRuntime_thenTheLauncherRunsItEvenWithJavaHomeSet()
      throws Exception {
    Path home = Files.createDirectories(tmp.resolve("nines-agent-x"));
    Path bin = Files.createDirectories(home.resolve("bin"));
    Files.copy(ROOT.resolve("agent-dist/src/dist/bin/nines-agent"), bin.resolve("nines-agent"));
    Path runtimeArgs = tmp.resolve("runtime-args");
    executable(
        Files.createDirectories(home.resolve("runtime/bin")).resolve("java"),
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + runtimeArgs + "\n");

    launch(bin.resolve("nines-agent"), Map.of(), "--help");

    assertThat(argsFile).as("the JAVA_HOME java is not run").doesNotExist();
    List<String> args = Files.readAllLines(runtimeArgs);
    assertThat(args).contains("-Xmx128m").endsWith("io.nines.agent.cli.AgentMain", "--help");
    assertThat(args.get(args.indexOf("-cp") + 1)).isEqualTo(home.toRealPath() + "/lib/*");
    // No runtime/release: the runtime's version is unknown, so no flag it might not know.
    assertThat(args).noneMatch(a -> a.contains("TrimNativeHeapInterval"));
  }

  @Test
  void whenTheOwnRuntimeCanTrimTheNativeHeap_thenTheLauncherAsksItToAndAnOlderOneIsNotAsked()
      throws Exception {
    Map<String, List<String>> argsByVersion = new java.util.LinkedHashMap<>();
    for (String version : List.of("17.0.15", "21.0.5", "17.0.8", "17")) {
      Path home = Files.createDirectories(tmp.resolve("nines-agent-" + version));
      Path bin = Files.createDirectories(home.resolve("bin"));
      Files.copy(ROOT.resolve("agent-dist/src/dist/bin/nines-agent"), bin.resolve("nines-agent"));
      Path runtimeArgs = tmp.resolve("runtime-args-" + version);
      executable(
          Files.createDirectories(home.resolve("runtime/bin")).resolve("java"),
          "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + runtimeArgs + "\n");
      Files.writeString(
          home.resolve("runtime/release"),
          "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"" + version + "\"\n");

      launch(bin.resolve("nines-agent"), Map.of(), "--help");

      argsByVersion.put(version, Files.readAllLines(runtimeArgs));
    }

    // docs/deploy-agent.md, "Memory": glibc's heap is trimmed every 5 s where the JVM can.
    assertThat(argsByVersion.get("17.0.15"))
        .containsSubsequence("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
    assertThat(argsByVersion.get("21.0.5")).contains("-XX:TrimNativeHeapInterval=5000");
    assertThat(argsByVersion.get("17.0.8")).noneMatch(a -> a.contains("TrimNativeHeapInterval"));
    assertThat(argsByVersion.get("17")).noneMatch(a -> a.contains("TrimNativeHeapInterval"));
  }

  /** The value the real JVM of this test takes for the boolean-or-number flag {@code name}. */
  private static String finalFlag(List<String> options, String name) throws Exception {
    return printFlagsFinal(options).get(name);
  }

  /** Runs {@code launcher} with the stand-in java; returns the arguments java was given. */
  private List<String> launch(Path launcher, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", launcher.toString()));
    if (launcher.getFileName().toString().equals("nines")) {
      command.set(0, "bash");
    }
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> e = pb.environment();
    e.remove("NINES_JAVA_OPTS");
    e.remove("JAVA_OPTS");
    e.remove("NINES_AGENT_JAVA_OPTS");
    e.put("JAVA_HOME", javaHome.toString());
    e.put("ARGS_FILE", argsFile.toString());
    e.put("PATH", fakeBin + ":" + e.getOrDefault("PATH", "/usr/bin:/bin"));
    // The agent's launcher keeps a class-data archive in the distribution's cds/ by default: here
    // that would be the source tree (and PrintFlagsFinal's JVM would write the archive there).
    e.put("NINES_CDS_DIR", cdsDir.toString());
    e.putAll(env);
    Files.deleteIfExists(argsFile);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    return Files.exists(argsFile) ? Files.readAllLines(argsFile) : List.of();
  }

  /** The options before the class path: what the JVM itself reads. */
  private static List<String> jvmOptions(List<String> args) {
    int cp = args.indexOf("-cp");
    assertThat(cp).as("a -cp in %s", args).isPositive();
    return args.subList(0, cp);
  }

  /** The maximum heap the real JVM of this test takes from {@code options}, in MiB. */
  private static long maxHeapMiB(List<String> options) throws Exception {
    return Long.parseLong(printFlagsFinal(options).get("MaxHeapSize")) / (1024 * 1024);
  }

  /** The JVM's final flags for {@code options}, by name. */
  private static Map<String, String> printFlagsFinal(List<String> options) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    command.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    Map<String, String> flags = new HashMap<>();
    for (String line : output.split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 4 && words[2].equals("=")) {
        flags.put(words[1], words[3]);
      }
    }
    return flags;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
