package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The project attacks itself, driven by the OpenAPI document the coordinator serves: for every
 * operation, requests with no token, a wrong token and a token of another kind; malformed,
 * wrong-typed and oversized bodies; path and query values that are too long, traversals, SQL
 * metacharacters and out-of-range times. Every answer must be the API's JSON error ({@code
 * {"error","message"}}, nothing else, no Java class or stack frame) with a 4xx status the document
 * declares for that operation (or for every operation: 414, 431), and the coordinator must still
 * acknowledge a valid batch afterwards.
 */
@ExtendWith(VertxExtension.class)
class ApiRobustnessTest {
  static final String READ = "read-token-0123456789";
  static final String ADMIN = "admin-token-0123456789";
  static final String WRONG = "nines_" + "0".repeat(64);
  static final int BODY_LIMIT = 64 * 1024;
  static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

  /** Path values that must not reach anything: traversals and SQL metacharacters. */
  static final List<String> HOSTILE_VALUES =
      List.of(
          "../../etc/passwd",
          "..%2F..%2Fetc%2Fpasswd",
          "....//....//etc/passwd",
          "' OR '1'='1",
          "\"; DROP TABLE results; --",
          "1; SELECT pg_sleep(10)",
          "%00",
          "<script>alert(1)</script>",
          "x".repeat(3000));

  /** Times out of every sane range. */
  static final List<String> BAD_TIMES =
      List.of(
          "-1000000000-01-01T00:00:00Z",
          "+1000000000-01-01T00:00:00Z",
          "1969-12-31T23:59:59Z",
          "yesterday",
          "2026-13-45T99:99:99Z");

  /** Patterns that must never appear in an answer: Java class names and stack frames. */
  static final Pattern LEAK =
      Pattern.compile(
          "Exception|java\\.|io\\.vertx|io\\.netty|io\\.nines|com\\.hazelcast|\\bat [a-z]+\\.|class ");

  final ApiFixture api = new ApiFixture();
  JsonObject document;
  JsonObject everyOperation;
  int tried;
  final List<String> wrong = new ArrayList<>();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    api.start(
        vertx,
        b -> b.readTokens(Set.of(READ)).adminTokens(Set.of(ADMIN)).bodyLimitBytes(BODY_LIMIT),
        Set.of());
    HttpResponse<Buffer> served = api.get("/api/v1/openapi.yaml");
    assertThat(served.statusCode()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    Map<String, Object> yaml =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build()).loadFromString(served.bodyAsString());
    document = new JsonObject(yaml);
    everyOperation = document.getJsonObject("x-responses-of-every-operation", new JsonObject());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  /** Who may call an operation, from its {@code security}. */
  enum Kind {
    PUBLIC,
    READ,
    ADMIN,
    AGENT
  }

  record Operation(String method, String path, JsonObject spec, Kind kind) {
    String name() {
      return method.toUpperCase() + " " + path;
    }

    boolean documents(int status) {
      return spec.getJsonObject("responses").containsKey(Integer.toString(status));
    }

    boolean hasBody() {
      return spec.containsKey("requestBody");
    }
  }

  List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        // The demo relay's operations are routes only on a coordinator given a demo shop, which
        // this one is not; DashboardRoutesTest attacks the relay where it is mounted.
        if (METHODS.contains(method)
            && !OpenApiContractTest.DEMO_SHOP.contains(method.toUpperCase() + " " + path)) {
          JsonObject spec = item.getJsonObject(method);
          out.add(new Operation(method, path, spec, kind(spec)));
        }
      }
    }
    return out;
  }

  static Kind kind(JsonObject spec) {
    JsonArray security = spec.getJsonArray("security");
    if (security == null) {
      return Kind.READ;
    }
    Set<String> schemes = new java.util.HashSet<>();
    for (Object s : security) {
      schemes.addAll(((JsonObject) s).fieldNames());
    }
    if (schemes.contains("agentToken")) {
      return Kind.AGENT;
    }
    if (schemes.contains("adminToken")) {
      return Kind.ADMIN;
    }
    return schemes.isEmpty() ? Kind.PUBLIC : Kind.READ;
  }

  static String tokenOf(Kind kind) {
    return switch (kind) {
      case PUBLIC -> null;
      case READ -> READ;
      case ADMIN -> ADMIN;
      case AGENT -> ApiFixture.AGENT;
    };
  }

  /** Tokens of another kind than the operation's, none of which may pass. */
  static List<String> otherKinds(Kind kind) {
    return switch (kind) {
      case PUBLIC -> List.of();
      case READ -> List.of(ApiFixture.AGENT);
      case ADMIN -> List.of(READ, ApiFixture.AGENT);
      case AGENT -> List.of(READ, ADMIN);
    };
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A plausible value for each path parameter: one that exists where the fixture has one. */
  static String pathWith(Operation op, Map<String, String> values) {
    Matcher m = Pattern.compile("\\{([A-Za-z]+)}").matcher(op.path());
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value = values.getOrDefault(name, plausible(op, name));
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String plausible(Operation op, String param) {
    if (op.path().startsWith("/api/v1/services/") || op.path().startsWith("/api/v1/demo/")) {
      return "checkout";
    }
    if (op.path().startsWith("/api/v1/checks/")) {
      return "checkout-api";
    }
    return "no-such-" + param;
  }

  /** The documented query parameters of an operation, by name. */
  List<String> queryParams(Operation op) {
    List<String> out = new ArrayList<>();
    for (Object p : op.spec().getJsonArray("parameters", new JsonArray())) {
      JsonObject param = resolve((JsonObject) p);
      if ("query".equals(param.getString("in"))) {
        out.add(param.getString("name"));
      }
    }
    return out;
  }

  JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    JsonObject at = document;
    for (String part : ref.substring(2).split("/")) {
      at = at.getJsonObject(part);
    }
    return at;
  }

  HttpResponse<Buffer> send(
      Operation op, String uri, String token, String contentType, Buffer body) {
    tried++;
    HttpRequest<Buffer> r =
        api.client.request(
            HttpMethod.valueOf(op.method().toUpperCase()), api.port, "127.0.0.1", uri);
    if (token != null) {
      r.putHeader("Authorization", "Bearer " + token);
    }
    try {
      if (body == null) {
        return ApiFixture.await(r.send());
      }
      r.putHeader("Content-Type", contentType);
      return ApiFixture.await(r.sendBuffer(body));
    } catch (Exception e) {
      wrong.add(op.name() + " " + abbreviate(uri) + ": no answer (" + e + ")");
      return null;
    }
  }

  /**
   * Checks one answer: a JSON error of the API's shape, no leak, a 4xx the operation (or every
   * operation) documents, and one of {@code expected} when given.
   */
  void expectError(Operation op, String what, HttpResponse<Buffer> r, int... expected) {
    if (r == null) {
      return;
    }
    String where = op.name() + " " + what + ": " + r.statusCode();
    int status = r.statusCode();
    if (status < 400 || status > 499) {
      wrong.add(where + " is not a 4xx: " + abbreviate(r.bodyAsString()));
      return;
    }
    if (!op.documents(status) && !everyOperation.containsKey(Integer.toString(status))) {
      wrong.add(where + " is not documented for the operation");
    }
    if (expected.length > 0 && java.util.Arrays.stream(expected).noneMatch(e -> e == status)) {
      wrong.add(where + " but expected " + java.util.Arrays.toString(expected));
    }
    String type = r.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      wrong.add(where + " has Content-Type " + type);
      return;
    }
    JsonObject body;
    try {
      body = r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      wrong.add(where + " body is not a JSON object: " + abbreviate(r.bodyAsString()));
      return;
    }
    if (body == null
        || !body.fieldNames().equals(Set.of("error", "message"))
        || !(body.getValue("error") instanceof String)
        || !(body.getValue("message") instanceof String m)
        || m.isBlank()) {
      wrong.add(where + " body is not {error, message}: " + abbreviate(String.valueOf(body)));
      return;
    }
    if (LEAK.matcher(r.bodyAsString()).find()) {
      wrong.add(where + " leaks: " + abbreviate(r.bodyAsString()));
    }
    if (status == 401 && !"Bearer".equals(r.getHeader("WWW-Authenticate"))) {
      wrong.add(where + " lacks WWW-Authenticate: Bearer");
    }
  }

  static String abbreviate(String s) {
    return s == null || s.length() <= 160 ? s : s.substring(0, 160) + "...";
  }

  /** A valid body for each operation that takes one. */
  JsonObject validBody(Operation op) {
    return switch (op.spec().getString("operationId")) {
      case "postResults" ->
          new ResultBatch(
                  "a1", List.of(TestFleets.ok("a1", 900_000, "checkout-api", "eu", api.time.now())))
              .toJson();
      case "agentHeartbeat" ->
          new JsonObject().put("id", "a1").put("location", "eu").put("capacity", 10);
      case "createMaintenance" ->
          new JsonObject()
              .put("services", new JsonArray().add("checkout"))
              .put("to", api.time.now().plusSeconds(3600).toString())
              .put("reason", "robustness");
      case "acknowledgeIncident" -> new JsonObject().put("by", "alice");
      default -> new JsonObject().put("mode", "outage").put("forSeconds", 60);
    };
  }

  /** Every top-level field of {@code valid} replaced, one at a time, by values of wrong types. */
  static List<JsonObject> wrongTyped(JsonObject valid) {
    List<JsonObject> out = new ArrayList<>();
    for (String field : valid.fieldNames()) {
      Object v = valid.getValue(field);
      List<Object> others =
          v instanceof String
              ? List.of(123, new JsonArray(), new JsonObject(), true)
              : v instanceof Number
                  ? List.of("lots", 1.5, -5, 4_294_967_297L, new JsonArray())
                  : v instanceof JsonArray
                      ? List.of("x", 5, new JsonObject(), new JsonArray().add(7))
                      : List.of("x", 5, new JsonArray());
      for (Object o : others) {
        out.add(valid.copy().put(field, o));
      }
    }
    return out;
  }

  /** Wrong-typed and out-of-range fields inside a result, where a batch hides them. */
  static List<JsonObject> wrongResults(JsonObject batch) {
    JsonObject result = batch.getJsonArray("results").getJsonObject(0);
    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("seq", 1.5);
    bad.put("attempts", 4_294_967_297L);
    bad.put("durationMillis", -1);
    bad.put("startedAt", "the day before yesterday");
    bad.put("location", 5);
    bad.put("ok", "yes");
    bad.put("phases", "fast");
    bad.put("check", "");
    List<JsonObject> out = new ArrayList<>();
    bad.forEach(
        (field, value) ->
            out.add(
                batch.copy().put("results", new JsonArray().add(result.copy().put(field, value)))));
    out.add(batch.copy().put("results", new JsonArray().add("x")));
    out.add(batch.copy().put("results", new JsonArray()));
    return out;
  }

  /**
   * Results that parse but may not be stored are refused one by one in a 200, as documented: times
   * out of range, a location the configuration does not declare.
   */
  private void expectRejectedOneByOne(Operation op, String path) {
    JsonObject result = validBody(op).getJsonArray("results").getJsonObject(0);
    for (Map.Entry<String, String> bad :
        Map.of("startedAt", "-1000000000-01-01T00:00:00Z", "location", "' OR '1'='1").entrySet()) {
      JsonObject batch =
          new JsonObject()
              .put("agent", "a1")
              .put("results", new JsonArray().add(result.copy().put(bad.getKey(), bad.getValue())));
      HttpResponse<Buffer> r =
          send(op, path, ApiFixture.AGENT, "application/json", batch.toBuffer());
      if (r != null
          && (r.statusCode() != 200
              || r.bodyAsJsonObject().getJsonArray("rejected").size() != 1
              || LEAK.matcher(r.bodyAsString()).find())) {
        wrong.add(
            op.name()
                + " with "
                + bad
                + ": "
                + r.statusCode()
                + " "
                + abbreviate(r.bodyAsString()));
      }
    }
  }

  @Test
  void whenEveryDocumentedOperationIsAttacked_thenEveryAnswerIsADocumentedJsonError()
      throws Exception {
    List<Operation> operations = operations();
    assertThat(operations).hasSizeGreaterThan(30);
    for (Operation op : operations) {
      attack(op);
    }
    api.time.advance(java.time.Duration.ofSeconds(1));

    // Still standing: a valid batch is acknowledged.
    ProbeResult r = TestFleets.ok("a1", 1, "checkout-api", "eu", api.time.now());
    HttpResponse<Buffer> ok =
        api.post("/api/v1/results", new ResultBatch("a1", List.of(r)).toJson(), ApiFixture.AGENT);
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);

    System.out.printf(
        "API robustness: %d hostile requests to %d documented operations; %s%n",
        tried,
        operations.size(),
        wrong.isEmpty() ? "every answer was right" : wrong.size() + " answers were wrong");
    assertThat(wrong).as("wrong answers out of %d requests", tried).isEmpty();
  }

  private void attack(Operation op) {
    String token = tokenOf(op.kind());
    String path = pathWith(op, Map.of());
    Buffer body = op.hasBody() ? validBody(op).toBuffer() : null;
    String json = "application/json";

    // Tokens: none, wrong, another kind's, and a wrong ?key= for reads.
    if (op.kind() != Kind.PUBLIC) {
      expectError(op, "with no token", send(op, path, null, json, body), 401);
      expectError(op, "with a wrong token", send(op, path, WRONG, json, body), 401);
      for (String other : otherKinds(op.kind())) {
        expectError(op, "with another kind's token", send(op, path, other, json, body), 401);
      }
      if (op.kind() == Kind.READ) {
        expectError(
            op, "with a wrong ?key=", send(op, path + "?key=" + WRONG, null, null, null), 401);
      }
    }

    // Bodies: malformed, wrong-typed, oversized.
    if (op.hasBody()) {
      for (String raw : List.of("{", "[]", "\"x\"", "123", "null", "{\"a\":", "\u0000\u0001")) {
        expectError(
            op, "with body " + raw, send(op, path, token, json, Buffer.buffer(raw)), 400, 404);
      }
      for (JsonObject typed : wrongTyped(validBody(op))) {
        expectError(
            op,
            "with body " + typed.encode(),
            send(op, path, token, json, typed.toBuffer()),
            400,
            404);
      }
      if (op.spec().getString("operationId").equals("postResults")) {
        for (JsonObject typed : wrongResults(validBody(op))) {
          expectError(
              op,
              "with body " + typed.encode(),
              send(op, path, token, json, typed.toBuffer()),
              400);
        }
        expectRejectedOneByOne(op, path);
      }
      Buffer huge = Buffer.buffer("{\"pad\":\"" + "x".repeat(BODY_LIMIT + 1024) + "\"}");
      expectError(op, "with an oversized body", send(op, path, token, json, huge), 413);
    }

    // Headers over the HTTP layer's limit.
    tried++;
    try {
      HttpRequest<Buffer> big =
          api.client
              .request(HttpMethod.valueOf(op.method().toUpperCase()), api.port, "127.0.0.1", path)
              .putHeader("X-Padding", "p".repeat(9000));
      expectError(op, "with a 9000-byte header", ApiFixture.await(big.send()), 431);
    } catch (Exception e) {
      wrong.add(op.name() + " with a 9000-byte header: no answer (" + e + ")");
    }

    // Path values: hostile and too long.
    Matcher params = Pattern.compile("\\{([A-Za-z]+)}").matcher(op.path());
    while (params.find()) {
      String name = params.group(1);
      for (String value : HOSTILE_VALUES) {
        String uri = pathWith(op, Map.of(name, encode(value)));
        expectError(op, name + "=" + abbreviate(value), send(op, uri, token, json, body), 400, 404);
      }
      String raw = pathWith(op, Map.of(name, "../../../../etc/passwd"));
      expectError(op, name + " traversing", send(op, raw, token, json, body), 400, 404);
      String tooLong = pathWith(op, Map.of(name, "x".repeat(10_000)));
      expectError(op, name + " of 10000 chars", send(op, tooLong, token, json, body), 414);
    }

    // Query values: hostile, too long, and out-of-range times.
    for (String name : queryParams(op)) {
      if (name.equals("key")) {
        continue;
      }
      for (String value : HOSTILE_VALUES) {
        String uri = path + "?" + name + "=" + encode(value);
        expectError(op, name + "=" + abbreviate(value), send(op, uri, token, json, body), 400);
      }
      String tooLong = path + "?" + name + "=" + "x".repeat(10_000);
      expectError(op, name + " of 10000 chars", send(op, tooLong, token, json, body), 414);
      if (name.equals("from") || name.equals("to")) {
        for (String time : BAD_TIMES) {
          String uri = path + "?" + name + "=" + encode(time);
          expectError(op, name + "=" + time, send(op, uri, token, json, body), 400);
        }
      }
    }
  }
}
