package io.nines.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who an agent is.
 *
 * @param id unique agent id, e.g. {@code eu-west-1}
 * @param location where it probes from, e.g. {@code eu-west}
 * @param host the host name it runs on
 * @param version the Nines version it runs
 * @param capacity how many checks it should carry at most
 * @param capabilities what it can do beyond the check types every agent runs, such as {@code
 *     browser} (a Chromium starts on its host); sorted, each a lowercase word
 */
public record AgentInfo(
    String id,
    String location,
    String host,
    String version,
    int capacity,
    Set<String> capabilities) {
  /** An agent whose host can start Chromium: it may run browser checks. */
  public static final String BROWSER = "browser";

  /** The most capabilities an agent may name. */
  public static final int MAX_CAPABILITIES = 16;

  private static final Pattern CAPABILITY = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public AgentInfo {
    Checks.checkNotBlank(id, "id");
    Checks.checkNotBlank(location, "location");
    host = host == null ? "" : host;
    version = version == null ? "" : version;
    Checks.checkPositive(capacity, "capacity");
    capabilities =
        capabilities == null
            ? Set.of()
            : java.util.Collections.unmodifiableSortedSet(new TreeSet<>(capabilities));
    Checks.checkArgument(
        capabilities.size() <= MAX_CAPABILITIES,
        "capabilities: %s (expected: at most %s)",
        capabilities,
        MAX_CAPABILITIES);
    for (String c : capabilities) {
      Checks.checkArgument(
          c != null && CAPABILITY.matcher(c).matches(),
          "capabilities: '%s' (expected: a lowercase word such as browser)",
          c);
    }
  }

  /** An agent with no capabilities beyond the check types every agent runs. */
  public AgentInfo(String id, String location, String host, String version, int capacity) {
    this(id, location, host, version, capacity, Set.of());
  }

  /** Whether it can do {@code capability}. */
  public boolean can(String capability) {
    return capabilities.contains(capability);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id)
            .put("location", location)
            .put("host", host)
            .put("version", version)
            .put("capacity", capacity);
    if (!capabilities.isEmpty()) {
      json.put("capabilities", new JsonArray(java.util.List.copyOf(capabilities)));
    }
    return json;
  }

  /** The most checks an agent may say it carries. */
  public static final int MAX_CAPACITY = 1_000_000;

  /**
   * Reads an agent's description.
   *
   * @throws IllegalArgumentException naming the first field that is wrong, e.g. {@code
   *     agent.capacity was 'lots' but it must be a whole number from 1 to 1000000}
   */
  public static AgentInfo fromJson(JsonObject json) {
    return new AgentInfo(
        Json.requireString(json, "id", "agent"),
        Json.requireString(json, "location", "agent"),
        Json.optionalString(json, "host", "agent", ""),
        Json.optionalString(json, "version", "agent", ""),
        json.getValue("capacity") == null
            ? 1000
            : (int) Json.requireLong(json, "capacity", "agent", 1, MAX_CAPACITY),
        capabilities(json));
  }

  private static Set<String> capabilities(JsonObject json) {
    Object value = json.getValue("capabilities");
    if (value == null) {
      return Set.of();
    }
    String rule =
        "a list of at most " + MAX_CAPABILITIES + " lowercase words such as [\"browser\"]";
    if (!(value instanceof JsonArray list) || list.size() > MAX_CAPABILITIES) {
      throw new IllegalArgumentException("agent.capabilities must be " + rule);
    }
    Set<String> out = new TreeSet<>();
    for (Object o : list) {
      if (!(o instanceof String s) || !CAPABILITY.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "agent.capabilities had '" + o + "' but it must be " + rule);
      }
      out.add(s);
    }
    return out;
  }
}
