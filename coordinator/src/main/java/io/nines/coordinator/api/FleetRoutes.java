package io.nines.coordinator.api;

import static io.nines.coordinator.api.Replies.error;

import io.nines.common.AgentInfo;
import io.nines.common.Json;
import io.nines.common.TimeSource;
import io.nines.config.ConfigSources;
import io.nines.config.Fleet;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.coordinator.fleet.AgentLiveness;
import io.nines.coordinator.fleet.Assignments;
import io.nines.store.agents.AgentRecord;
import io.nines.store.agents.AgentRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The fleet endpoints: agents' heartbeats (which answer with the agent's assignment), the
 * configuration files agents load ({@code GET /api/v1/agents/config}), and the lists of agents and
 * locations.
 *
 * <p>Assignment versions only move forward: a version is the time the assignment's content last
 * changed as this member saw it, and is never lower than the one it gave before.
 */
public final class FleetRoutes implements RouteGroup {
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final AgentRegistry registry;
  private final AgentAuth auth;
  private final AuthFailures authFailures;
  private final Supplier<ConfigSources> configSources;
  private volatile Encoded encoded;
  private final Map<String, long[]> versions = new ConcurrentHashMap<>();
  private final Map<String, List<String>> lastContent = new ConcurrentHashMap<>();

  /**
   * @param configSources the files of the configuration {@code fleet} gives, served to agents; null
   *     when there are none (the endpoint then answers 404)
   */
  public FleetRoutes(
      Supplier<Fleet> fleet,
      TimeSource time,
      AgentRegistry registry,
      AgentAuth auth,
      Supplier<ConfigSources> configSources,
      AuthFailures authFailures) {
    this.fleet = fleet;
    this.authFailures = authFailures;
    this.time = time;
    this.registry = registry;
    this.auth = auth;
    this.configSources = configSources;
  }

  /** The JSON body of one version of the sources, encoded once. */
  private record Encoded(ConfigSources sources, Buffer body) {}

  @Override
  public void mount(Router router) {
    router
        .post("/api/v1/agents/heartbeat")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::heartbeat);
    router.get("/api/v1/agents/config").handler(this::config);
    router.get("/api/v1/agents").handler(this::agents);
    router.get("/api/v1/locations").handler(this::locations);
  }

  /** The agent's verdict; null after answering 401 when its token is missing or not valid. */
  private AgentAuth.Verdict agentOrRefuse(RoutingContext ctx) {
    return authFailures.agentOrRefuse(ctx, auth);
  }

  private void heartbeat(RoutingContext ctx) {
    AgentAuth.Verdict verdict = agentOrRefuse(ctx);
    if (verdict == null) {
      return;
    }
    Fleet f = fleet.get();
    if (f == null) {
      error(ctx, 503, "not_ready", "no configuration is loaded yet");
      return;
    }
    AgentRecord record;
    try {
      JsonObject body = heartbeatBody(ctx);
      AgentInfo info = AgentInfo.fromJson(body);
      record =
          new AgentRecord(
              info,
              time.now(),
              body.getValue("inFlight") == null
                  ? 0
                  : (int) Json.requireLong(body, "inFlight", "agent", 0, Integer.MAX_VALUE),
              body.getValue("buffered") == null
                  ? 0L
                  : Json.requireLong(body, "buffered", "agent", 0, Long.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      // Messages name the field and what would be right; never a Java class.
      error(ctx, 400, "bad_request", e.getMessage());
      return;
    }
    if (!verdict.mayPostAs(record.info().id())) {
      authFailures.count(AuthFailures.Reason.OTHER_AGENT, 1);
      authFailures.logOnce(
          verdict.identity().agentId(),
          AuthFailures.Reason.OTHER_AGENT,
          "agent "
              + verdict.identity().agentId()
              + "'s token was used for heartbeats as agent "
              + record.info().id());
      error(
          ctx,
          403,
          "forbidden",
          "this token belongs to another agent; each agent uses its own token");
      return;
    }
    if (!verdict.mayPostFrom(record.info().location())) {
      authFailures.count(AuthFailures.Reason.OTHER_LOCATION, 1);
      authFailures.logOnce(
          record.info().id(),
          AuthFailures.Reason.OTHER_LOCATION,
          "agent "
              + record.info().id()
              + " sent heartbeats as location '"
              + record.info().location()
              + "' but its token was issued for '"
              + verdict.identity().location()
              + "'");
      error(
          ctx,
          403,
          "forbidden",
          "this token is for location '"
              + verdict.identity().location()
              + "', not '"
              + record.info().location()
              + "'");
      return;
    }
    if (!f.locations().contains(record.info().location())) {
      authFailures.count(AuthFailures.Reason.UNDECLARED_LOCATION, 1);
      authFailures.logOnce(
          record.info().id(),
          AuthFailures.Reason.UNDECLARED_LOCATION,
          "agent "
              + record.info().id()
              + " sent heartbeats as location '"
              + record.info().location()
              + "', which the configuration does not declare");
      error(
          ctx,
          400,
          "bad_request",
          "location '"
              + record.info().location()
              + "' is not in the configuration; it has "
              + String.join(", ", f.locations()));
      return;
    }
    registry
        .heartbeat(record)
        .compose(v -> registry.all())
        .onSuccess(
            all -> {
              Instant now = time.now();
              Map<String, List<String>> placement = placement(f, all, now);
              String id = record.info().id();
              List<String> mine = placement.getOrDefault(id, List.of());
              long version = versionOf(id, mine, f, now);
              ctx.json(
                  new JsonObject()
                      .put("agent", id)
                      .put("version", version)
                      .put("config", f.version().hash())
                      .put("checks", new JsonArray(mine)));
            })
        .onFailure(ctx::fail);
  }

  /**
   * The heartbeat's body as a JSON object.
   *
   * @throws IllegalArgumentException when it is empty, not JSON, or JSON but not an object
   */
  private static JsonObject heartbeatBody(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    Object value;
    try {
      value = raw == null || raw.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(raw);
    } catch (io.vertx.core.json.DecodeException e) {
      // The decoder's own text may quote the body back; a fixed message is enough.
      value = e;
    }
    if (value instanceof JsonObject o) {
      return o;
    }
    throw new IllegalArgumentException(
        "the body was "
            + (value == null
                ? "empty"
                : value instanceof Exception ? "not JSON" : "JSON but not an object")
            + "; it must be a heartbeat such as {\"id\":\"eu-west-1\",\"location\":\"eu-west\","
            + "\"capacity\":100,\"inFlight\":0,\"buffered\":0}");
  }

  /**
   * The configuration's files as written, secrets as references, for the agent to load and resolve
   * on its host. {@code ETag} is the quoted hash; a request whose {@code If-None-Match} names it
   * gets 304 and no body.
   */
  private void config(RoutingContext ctx) {
    AgentAuth.Verdict verdict = agentOrRefuse(ctx);
    if (verdict == null) {
      return;
    }
    ConfigSources sources = configSources == null ? null : configSources.get();
    if (sources == null) {
      error(
          ctx,
          404,
          "not_found",
          "this coordinator has no configuration files to send: it was not started from a"
              + " configuration directory; give the agent its own with --config");
      return;
    }
    String etag = "\"" + sources.hash() + "\"";
    ctx.response().putHeader("ETag", etag).putHeader("Cache-Control", "no-cache");
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      ctx.response().setStatusCode(304).end();
      return;
    }
    Encoded e = encoded;
    if (e == null || e.sources() != sources) {
      JsonArray files = new JsonArray();
      for (ConfigSources.File f : sources.files()) {
        files.add(new JsonObject().put("path", f.path()).put("text", f.text()));
      }
      e =
          new Encoded(
              sources,
              new JsonObject().put("version", sources.hash()).put("files", files).toBuffer());
      encoded = e;
    }
    ctx.response().putHeader("Content-Type", "application/json").end(e.body());
  }

  /** Whether an {@code If-None-Match} list names {@code etag} (or is {@code *}). */
  private static boolean matches(String ifNoneMatch, String etag) {
    for (String part : ifNoneMatch.split(",")) {
      String t = part.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(etag) || t.equals("*")) {
        return true;
      }
    }
    return false;
  }

  /** The last placement, reused while the fleet and the set of live agents stay the same. */
  private record Placement(
      Fleet fleet, java.util.Set<String> live, Map<String, List<String>> byAgent) {}

  private volatile Placement last;

  /**
   * The placement for {@code all} at {@code now}. Every heartbeat asks for it, so it is computed
   * again only when the configuration or the set of live agents changed, not once per heartbeat.
   */
  private Map<String, List<String>> placement(Fleet f, List<AgentRecord> all, Instant now) {
    java.util.Set<String> live = new java.util.TreeSet<>();
    for (AgentRecord a : all) {
      if (Assignments.live(a, now, AgentLiveness.AGENT_TIMEOUT)) {
        live.add(a.info().id());
      }
    }
    Placement p = last;
    if (p == null || p.fleet() != f || !p.live().equals(live)) {
      p = new Placement(f, live, Assignments.place(f, all, now, AgentLiveness.AGENT_TIMEOUT, 1));
      last = p;
    }
    return p.byAgent();
  }

  private long versionOf(String agentId, List<String> content, Fleet f, Instant now) {
    List<String> keyed = new java.util.ArrayList<>(content);
    keyed.add("config:" + f.version().hash());
    long[] v = versions.computeIfAbsent(agentId, k -> new long[] {0});
    synchronized (v) {
      if (!keyed.equals(lastContent.get(agentId))) {
        v[0] = Math.max(now.toEpochMilli(), v[0] + 1);
        lastContent.put(agentId, keyed);
      }
      return v[0];
    }
  }

  private void agents(RoutingContext ctx) {
    Fleet f = fleet.get();
    registry
        .all()
        .onSuccess(
            all -> {
              Instant now = time.now();
              Map<String, List<String>> placement = f == null ? Map.of() : placement(f, all, now);
              JsonArray items = new JsonArray();
              all.stream()
                  .sorted(java.util.Comparator.comparing(a -> a.info().id()))
                  .forEach(
                      a -> {
                        boolean live = Assignments.live(a, now, AgentLiveness.AGENT_TIMEOUT);
                        items.add(
                            a.toJson()
                                .put("state", live ? "live" : "lost")
                                .put(
                                    "assigned",
                                    placement.getOrDefault(a.info().id(), List.of()).size()));
                      });
              ctx.json(new JsonObject().put("items", items));
            })
        .onFailure(ctx::fail);
  }

  private void locations(RoutingContext ctx) {
    Fleet f = fleet.get();
    if (f == null) {
      error(ctx, 503, "not_ready", "no configuration is loaded yet");
      return;
    }
    registry
        .all()
        .onSuccess(
            all -> {
              Instant now = time.now();
              List<String> empty =
                  Assignments.emptyLocations(f, all, now, AgentLiveness.AGENT_TIMEOUT);
              List<String> noBrowser =
                  Assignments.emptyForCapabilities(f, all, now, AgentLiveness.AGENT_TIMEOUT);
              JsonArray items = new JsonArray();
              for (String location : f.locations()) {
                long live =
                    all.stream()
                        .filter(a -> a.info().location().equals(location))
                        .filter(a -> Assignments.live(a, now, AgentLiveness.AGENT_TIMEOUT))
                        .count();
                long checks =
                    f.checks().stream().filter(c -> c.locations().contains(location)).count();
                long browserAgents =
                    all.stream()
                        .filter(a -> a.info().location().equals(location))
                        .filter(a -> Assignments.live(a, now, AgentLiveness.AGENT_TIMEOUT))
                        .filter(a -> a.info().can(io.nines.common.AgentInfo.BROWSER))
                        .count();
                String state =
                    empty.contains(location)
                        ? "no-agents"
                        : noBrowser.contains(location + " for browser checks")
                            ? "no-browser-agents"
                            : "covered";
                items.add(
                    new JsonObject()
                        .put("id", location)
                        .put("liveAgents", live)
                        .put("browserAgents", browserAgents)
                        .put("checks", checks)
                        .put("state", state));
              }
              ctx.json(new JsonObject().put("items", items));
            })
        .onFailure(ctx::fail);
  }
}
