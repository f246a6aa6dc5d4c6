package io.nines.coordinator.api;

import static io.nines.coordinator.api.ApiFixture.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The OpenAPI document against the coordinator: every route is documented, every documented
 * operation is routed, and real answers match the documented schemas.
 */
@ExtendWith(VertxExtension.class)
class OpenApiContractTest {
  /**
   * Routes that serve pages or files, not the JSON API, and so are not in the document: the
   * dashboard's static pages, bundled WebJars, the status page, and the API reference page itself.
   */
  static final Set<String> NOT_API =
      Set.of(
          "GET /",
          "GET /ui",
          "GET /ui/*",
          "GET /webjars/*",
          "GET /status",
          "GET /api/docs",
          "GET /api/docs/init.js",
          "GET /api/docs/assets/*");

  /**
   * Dashboard routes the document describes that the {@code io.nines.coordinator.web} package
   * mounts; they may be missing only while that package is not in the build.
   */
  static final Set<String> WEB =
      Set.of(
          "GET /api/v1/services/{id}",
          "GET /api/v1/services/{id}/timeline",
          "GET /api/v1/services/{id}/daily",
          "GET /api/v1/services/{id}/latency",
          "GET /api/v1/risk",
          "GET /api/v1/reports/monthly",
          "GET /api/v1/events",
          "GET /api/v1/status",
          "GET /api/v1/demo/faults",
          "POST /api/v1/demo/faults/{service}");

  /**
   * The demo relay's operations: routed only on a coordinator given a demo shop ({@code nines up});
   * this test's coordinator has none (DashboardRoutesTest covers both cases).
   */
  static final Set<String> DEMO_SHOP =
      Set.of("GET /api/v1/demo/faults", "POST /api/v1/demo/faults/{service}");

  static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

  final ApiFixture api = new ApiFixture();
  JsonObject document;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
    @SuppressWarnings("unchecked")
    Map<String, Object> yaml =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build())
                .loadFromString(OpenApiRoutes.resource(OpenApiRoutes.DOCUMENT));
    document = new JsonObject(yaml);
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  static Set<String> routed(Iterable<Route> routes) {
    Set<String> out = new TreeSet<>();
    for (Route r : routes) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) {
        continue; // failure handlers and guards that apply to every route
      }
      String path = r.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      if (r.getPath().endsWith("/") && path.length() > 1) {
        path = path + "*"; // a prefix route such as /ui/*
      }
      for (HttpMethod m : r.methods()) {
        out.add(m.name() + " " + path);
      }
    }
    return out;
  }

  Set<String> documented() {
    Set<String> out = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          out.add(method.toUpperCase() + " " + path);
        }
      }
    }
    return out;
  }

  static boolean webPackagePresent() {
    try {
      Class.forName("io.nines.coordinator.web.WebRoutes");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  @Test
  void whenComparedWithTheRouter_thenEveryRouteIsDocumentedAndEveryOperationRouted() {
    Set<String> routed = routed(api.coordinator.router().getRoutes());
    Set<String> documented = documented();

    Set<String> undocumented = new TreeSet<>(routed);
    undocumented.removeAll(documented);
    undocumented.removeAll(NOT_API);
    assertThat(undocumented).as("routes missing from openapi.yaml").isEmpty();

    Set<String> unrouted = new TreeSet<>(documented);
    unrouted.removeAll(routed);
    unrouted.removeAll(DEMO_SHOP);
    if (!webPackagePresent()) {
      unrouted.removeAll(WEB);
    }
    assertThat(unrouted).as("documented operations no route serves").isEmpty();
    // The comparison is not vacuous: the core routes are on both sides.
    assertThat(routed)
        .contains(
            "POST /api/v1/results",
            "GET /api/v1/services/{id}/availability",
            "POST /api/v1/incidents/{id}/ack",
            "DELETE /api/v1/maintenance/{id}",
            "GET /api/v1/config/versions/{hash}");
  }

  @Test
  void whenTheDocumentIsRead_thenItIsOpenApi31WithTheSecuritySchemesAndPagination() {
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    assertThat(document.getJsonObject("components").getJsonObject("securitySchemes").fieldNames())
        .containsExactlyInAnyOrder("agentToken", "readToken", "readKey", "adminToken");
    JsonObject limit =
        document.getJsonObject("components").getJsonObject("parameters").getJsonObject("limit");
    assertThat(limit.getJsonObject("schema").getMap())
        .containsEntry("minimum", 1)
        .containsEntry("maximum", 500)
        .containsEntry("default", 50);
    for (String list :
        Set.of(
            "/api/v1/services",
            "/api/v1/checks",
            "/api/v1/checks/{id}/results",
            "/api/v1/incidents",
            "/api/v1/notifications",
            "/api/v1/config/versions",
            "/api/v1/maintenance")) {
      assertThat(
              document
                  .getJsonObject("paths")
                  .getJsonObject(list)
                  .getJsonObject("get")
                  .getJsonArray("parameters")
                  .encode())
          .as(list)
          .contains("#/components/parameters/limit", "#/components/parameters/cursor");
    }
  }

  @Test
  void whenServed_thenTheDocumentAndTheReferencePageComeFromTheClasspath() throws Exception {
    HttpResponse<Buffer> yaml = api.get("/api/v1/openapi.yaml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.getHeader("content-type")).startsWith("application/yaml");
    assertThat(yaml.bodyAsString()).isEqualTo(OpenApiRoutes.resource(OpenApiRoutes.DOCUMENT));

    HttpResponse<Buffer> page = api.get("/api/docs");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString())
        .contains("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/init.js")
        .doesNotContain("http://", "https://");
    assertThat(api.get("/api/docs/init.js").bodyAsString())
        .contains("/api/v1/openapi.yaml", "validatorUrl: null");
    HttpResponse<Buffer> bundle = api.get("/api/docs/assets/swagger-ui-bundle.js");
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.body().length()).isGreaterThan(100_000);
    assertThat(api.get("/api/docs/assets/swagger-ui.css").statusCode()).isEqualTo(200);
  }

  JsonSchema schema(String name) {
    JsonObject root =
        new JsonObject()
            .put("$schema", "https://json-schema.org/draft/2020-12/schema")
            .put("$ref", "#/components/schemas/" + name)
            .put("components", document.getJsonObject("components"));
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
        .getSchema(node(root.encode()));
  }

  static JsonNode node(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  void assertMatches(HttpResponse<Buffer> r, int status, String schemaName) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    Set<ValidationMessage> errors = schema(schemaName).validate(node(r.bodyAsString()));
    assertThat(errors).as(schemaName + " of " + r.bodyAsString()).isEmpty();
  }

  @Test
  void whenTheSchemasAreStrict_thenAWrongAnswerFailsThem() {
    assertThat(schema("Error").validate(node("{\"error\":\"bad_request\"}"))).isNotEmpty();
    assertThat(
            schema("Error")
                .validate(node("{\"error\":\"bad_request\",\"message\":\"m\",\"stack\":\"x\"}")))
        .isNotEmpty();
    assertThat(schema("Availability").validate(node("{\"service\":\"checkout\"}"))).isNotEmpty();
    assertThat(schema("ServicePage").validate(node("{\"items\":[{\"id\":1}]}"))).isNotEmpty();
  }

  @Test
  void whenRealAnswersAreValidated_thenTheyMatchTheDocumentedSchemas() throws Exception {
    api.time.advance(Duration.ofMinutes(1));
    api.result("checkout-journey", true);
    api.result("checkout-api", true);
    api.time.advance(Duration.ofMinutes(5));
    // Down from here on: an incident opens.
    api.result("checkout-journey", false);
    api.result("checkout-api", false);
    api.time.advance(Duration.ofSeconds(1));
    ApiFixture.await(api.coordinator.alerting().runOnce());

    assertMatches(api.get("/api/v1/services"), 200, "ServicePage");
    assertMatches(api.get("/api/v1/services?limit=2"), 200, "ServicePage");
    assertMatches(api.get("/api/v1/services/checkout/availability"), 200, "Availability");
    assertMatches(api.get("/api/v1/services/catalog/availability"), 200, "Availability");
    assertMatches(api.get("/api/v1/checks"), 200, "CheckPage");
    assertMatches(api.get("/api/v1/checks/checkout-journey/results"), 200, "ResultPage");

    HttpResponse<Buffer> incidents = api.get("/api/v1/incidents");
    assertMatches(incidents, 200, "IncidentPage");
    assertThat(incidents.bodyAsJsonObject().getJsonArray("items")).isNotEmpty();
    String id = incidents.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("id");
    assertMatches(api.get("/api/v1/incidents/" + id), 200, "IncidentDetail");
    assertMatches(api.get("/api/v1/notifications"), 200, "NotificationPage");

    assertMatches(api.get("/api/v1/config/versions"), 200, "ConfigVersionPage");
    assertMatches(api.get("/api/v1/maintenance"), 200, "MaintenancePage");
    assertMatches(api.get("/api/v1/services/checkout/changes"), 200, "ServiceChangePage");

    for (HttpResponse<Buffer> r :
        List.of(
            api.get("/api/v1/services/nope/availability"),
            api.get("/api/v1/services?limit=0"),
            api.get("/api/v1/incidents/nope"),
            api.get("/api/v1/nothing-here"))) {
      assertThat(r.statusCode()).isBetween(400, 499);
      assertMatches(r, r.statusCode(), "Error");
    }
    error(api.get("/api/v1/services?limit=0"), 400, "bad_request");
  }
}
