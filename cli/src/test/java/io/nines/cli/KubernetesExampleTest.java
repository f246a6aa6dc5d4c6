package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeSource;
import io.nines.config.FleetLoader;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The Kubernetes example in {@code deploy/kubernetes/} can't rot: its YAML parses, and every flag,
 * environment variable, port and health path it gives the coordinator and the agent exists in
 * {@code nines coordinator} and {@code nines agent}, with values they accept. (No Kubernetes runs
 * here; the Hazelcast side of the discovery is {@code KubernetesDiscoveryTest}'s.)
 */
class KubernetesExampleTest {
  static Path root;
  static Path example;
  static final Map<String, Map<String, Object>> byKindAndName = new HashMap<>();
  static final List<Map<String, Object>> docs = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("deploy/kubernetes"))) {
      dir = dir.getParent();
      assertThat(dir).as("the repository root, above the working directory").isNotNull();
    }
    root = dir;
    example = root.resolve("deploy/kubernetes");
    try (Stream<Path> files = Files.list(example)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc :
            new Load(LoadSettings.builder().setLabel(f.toString()).build())
                .loadAllFromString(Files.readString(f, StandardCharsets.UTF_8))) {
          if (doc != null) {
            Map<String, Object> d = map(doc);
            docs.add(d);
            byKindAndName.put(
                d.get("kind") + "/" + map(d.getOrDefault("metadata", Map.of())).get("name"), d);
          }
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return o == null ? List.of() : (List<Object>) o;
  }

  static Object at(Object o, String... path) {
    for (String p : path) {
      if (o == null) {
        return null;
      }
      o = map(o).get(p);
    }
    return o;
  }

  @Test
  void theKustomizationListsEveryManifestAndEveryListedOneExists() throws IOException {
    Map<String, Object> k = byKindAndName.get("Kustomization/null");
    assertThat(k).as("kustomization.yaml").isNotNull();
    Set<String> listed = new HashSet<>();
    for (Object r : list(k.get("resources"))) {
      assertThat(example.resolve((String) r)).as("resource " + r).exists();
      listed.add((String) r);
    }
    try (Stream<Path> files = Files.list(example)) {
      assertThat(
              files
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                  .toList())
          .containsExactlyInAnyOrderElementsOf(listed);
    }
  }

  @Test
  void everyFlagAndVariableOfTheCoordinatorAndTheAgentExistsAndTheirValuesParse()
      throws IOException {
    Set<String> known = knownVariables();
    int containers = 0;
    for (Map<String, Object> d : docs) {
      Object podSpec = at(d, "spec", "template", "spec");
      if (podSpec == null) {
        continue;
      }
      for (Object c : list(map(podSpec).get("containers"))) {
        String name = (String) map(c).get("name");
        List<String> args = new ArrayList<>();
        list(map(c).get("args")).forEach(a -> args.add(a.toString()));
        // The agent image's entry point is `nines agent`; the coordinator's is `nines`.
        List<String> command = new ArrayList<>(args);
        if (name.equals("agent")) {
          command.add(0, "agent");
        } else {
          assertThat(name).isEqualTo("coordinator");
          assertThat(args.get(0)).isEqualTo("coordinator");
        }
        CommandLine cl = Main.commandLine();
        // Throws, naming the flag, when one is unknown or its value does not convert.
        CommandLine.ParseResult parsed = cl.parseArgs(command.toArray(String[]::new));
        CommandLine sub = parsed.subcommand().commandSpec().commandLine();
        for (String a : args.subList(name.equals("agent") ? 0 : 1, args.size())) {
          assertThat(a).as(name + " argument").startsWith("--");
        }
        Set<String> variables = variablesOf(sub.getCommand().getClass());
        for (Object e : list(map(c).get("env"))) {
          String var = (String) map(e).get("name");
          assertThat(variables.contains(var) || known.contains(var))
              .as(name + ": environment variable " + var + " is read by nines " + command.get(0))
              .isTrue();
        }
        checkPorts(name, map(c), parsed.subcommand());
        containers++;
      }
    }
    assertThat(containers).as("containers: coordinator and agent").isEqualTo(2);
  }

  private static void checkPorts(
      String container, Map<String, Object> c, CommandLine.ParseResult parsed) {
    Map<String, Integer> ports = new HashMap<>();
    for (Object p : list(c.get("ports"))) {
      ports.put((String) map(p).get("name"), (Integer) map(p).get("containerPort"));
    }
    String httpPortName = container.equals("agent") ? "metrics" : "http";
    String httpFlag = container.equals("agent") ? "--http-port" : "--port";
    assertThat(ports.get(httpPortName))
        .as(container + ": port " + httpPortName + " is " + httpFlag)
        .isEqualTo(
            Integer.valueOf(String.valueOf((Object) parsed.matchedOption(httpFlag).getValue())));
    if (container.equals("coordinator")) {
      assertThat(ports.get("hazelcast"))
          .as("port hazelcast is --cluster-port")
          .isEqualTo(Integer.valueOf(parsed.matchedOptionValue("--cluster-port", "5701")));
      assertThat(ports.get("http")).isEqualTo(8080);
      assertThat((String) parsed.matchedOptionValue("--discovery", null)).isEqualTo("kubernetes");
      String service = parsed.matchedOptionValue("--cluster-kubernetes-service-name", null);
      Map<String, Object> headless = byKindAndName.get("Service/" + service);
      assertThat(headless).as("the discovery's Service " + service).isNotNull();
      assertThat(at(headless, "spec", "clusterIP")).isEqualTo("None");
      assertThat(at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
    }
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      Object get = at(c, probe, "httpGet");
      if (get == null) {
        continue;
      }
      assertThat(ports).as(container + " " + probe + " port").containsKey((String) at(get, "port"));
      assertThat((String) at(get, "path")).isIn("/health/live", "/health/ready");
    }
  }

  @Test
  void theServicesTargetPortsTheCoordinatorsDeclare() {
    Map<String, Object> sts = byKindAndName.get("StatefulSet/nines-coordinator");
    Set<String> names = new HashSet<>();
    for (Object c : list(at(sts, "spec", "template", "spec", "containers"))) {
      for (Object p : list(map(c).get("ports"))) {
        names.add((String) map(p).get("name"));
      }
    }
    int services = 0;
    for (Map<String, Object> d : docs) {
      if ("Service".equals(d.get("kind"))) {
        assertThat(at(d, "spec", "selector"))
            .isEqualTo(
                Map.of(
                    "app.kubernetes.io/name",
                    at(sts, "spec", "template", "metadata", "labels", "app.kubernetes.io/name")));
        for (Object p : list(at(d, "spec", "ports"))) {
          assertThat(names).contains((String) map(p).get("targetPort"));
        }
        services++;
      }
    }
    assertThat(services).isEqualTo(2);
  }

  @Test
  void theSecretsMountedAndReferencedHoldTheKeysThePodsRead() {
    for (Map<String, Object> d : docs) {
      Object podSpec = at(d, "spec", "template", "spec");
      if (podSpec == null) {
        continue;
      }
      for (Object c : list(map(podSpec).get("containers"))) {
        for (Object e : list(map(c).get("env"))) {
          Object ref = at(e, "valueFrom", "secretKeyRef");
          if (ref != null) {
            assertThat(secretKeys((String) at(ref, "name"))).contains((String) at(ref, "key"));
          }
        }
        List<String> paths = new ArrayList<>();
        list(map(c).get("args"))
            .forEach(a -> paths.add(a.toString().replaceFirst("^--[^=]+=", "")));
        list(map(c).get("env")).forEach(e -> paths.add(String.valueOf(map(e).get("value"))));
        for (String p : paths) {
          if (!p.startsWith("/etc/")) {
            continue;
          }
          // A file path the pod reads lies in a mounted Secret or ConfigMap that holds it.
          boolean found = false;
          for (Object m : list(map(c).get("volumeMounts"))) {
            String mount = (String) map(m).get("mountPath");
            if (!p.startsWith(mount + "/") && !p.equals(mount)) {
              continue;
            }
            Object volume =
                list(map(podSpec).get("volumes")).stream()
                    .filter(v -> map(v).get("name").equals(map(m).get("name")))
                    .findFirst()
                    .orElseThrow();
            String rest = p.equals(mount) ? "" : p.substring(mount.length() + 1);
            Object secret = at(volume, "secret", "secretName");
            if (secret != null) {
              assertThat(secretKeys((String) secret)).as(p).contains(rest);
            } else if (at(volume, "configMap") != null) {
              assertThat(rest).as(p + ": a ConfigMap directory").isEmpty();
            }
            found = true;
          }
          assertThat(found).as(p + " is mounted").isTrue();
        }
      }
    }
  }

  @Test
  void theFleetConfigMapLoads() throws Exception {
    Map<String, Object> cm = byKindAndName.get("ConfigMap/nines-fleet");
    Path dir = Files.createTempDirectory("fleet");
    for (Map.Entry<String, Object> f : map(cm.get("data")).entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), (String) f.getValue());
    }
    assertThat(new FleetLoader(TimeSource.SYSTEM, Map.of()).load(dir).checks()).isNotEmpty();
  }

  private static Set<String> secretKeys(String secret) {
    Map<String, Object> s = byKindAndName.get("Secret/" + secret);
    assertThat(s).as("Secret " + secret).isNotNull();
    return map(s.get("stringData")).keySet();
  }

  /** The variables a command's options read, from their {@code ${env:NAME}} defaults. */
  private static Set<String> variablesOf(Class<?> command) {
    Set<String> out = new HashSet<>();
    Pattern env = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
    for (Field f : command.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o != null) {
        Matcher m = env.matcher(o.defaultValue());
        if (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    return out;
  }

  /**
   * The variables read elsewhere: named as string literals in the main code of any module, or
   * expanded by a launcher ({@code $NINES_JAVA_OPTS} in a distribution's script or the image's
   * entry point).
   */
  private static Set<String> knownVariables() throws IOException {
    Set<String> out = new HashSet<>();
    Pattern literal = Pattern.compile("\"(NINES_[A-Z0-9_]+)\"");
    Pattern expanded = Pattern.compile("\\$\\{?(NINES_[A-Z0-9_]+)");
    try (Stream<Path> files = Files.walk(root, 14)) {
      for (Path f :
          files
              .filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String s = root.relativize(p).toString();
                    return !s.contains("target/")
                        && !s.startsWith(".")
                        && !s.contains("node_modules")
                        && ((s.contains("src/main/java/") && s.endsWith(".java"))
                            || s.contains("src/dist/")
                            || s.equals("deploy/kubernetes/Dockerfile"));
                  })
              .toList()) {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        Matcher m = (f.toString().endsWith(".java") ? literal : expanded).matcher(text);
        while (m.find()) {
          out.add(m.group(1));
        }
      }
    }
    assertThat(out).as("variables found in the sources").contains("NINES_DB_URL");
    return out;
  }
}
