package io.nines.coordinator.api;

import static io.nines.coordinator.api.ApiFixture.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.config.ConfigSources;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /api/v1/agents/config}: the configuration files agents load. */
@ExtendWith(VertxExtension.class)
class AgentConfigTest {
  static final String PATH = "/api/v1/agents/config";
  static final ConfigSources V1 =
      ConfigSources.of(
          List.of(
              new ConfigSources.File("fleet.yaml", "locations: [eu]\n"),
              new ConfigSources.File(
                  "checks/shop.yaml", "vars: {token: \"${env:SHOP_TOKEN}\"}\n")));
  static final ConfigSources V2 =
      ConfigSources.of(List.of(new ConfigSources.File("fleet.yaml", "locations: [eu, us]\n")));

  final ApiFixture api = new ApiFixture();
  final AtomicReference<ConfigSources> sources = new AtomicReference<>(V1);

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  HttpResponse<Buffer> get(String token, String ifNoneMatch) throws Exception {
    var r = api.request(HttpMethod.GET, PATH, token);
    if (ifNoneMatch != null) {
      r.putHeader("If-None-Match", ifNoneMatch);
    }
    return ApiFixture.await(r.send());
  }

  @Test
  void whenAnAgentAsks_thenItGetsTheFilesAsWrittenWithTheirHashAsETag(Vertx vertx)
      throws Exception {
    api.start(vertx, b -> b.configSources(sources::get), Set.of());

    HttpResponse<Buffer> r = get(ApiFixture.AGENT, null);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("ETag")).isEqualTo("\"" + V1.hash() + "\"");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getString("version")).isEqualTo(V1.hash());
    assertThat(body.getJsonArray("files").getList()).hasSize(2);
    JsonObject second = body.getJsonArray("files").getJsonObject(1);
    assertThat(second.getString("path")).isEqualTo("checks/shop.yaml");
    // Secrets go as references; the agent resolves them on its own host.
    assertThat(second.getString("text")).isEqualTo("vars: {token: \"${env:SHOP_TOKEN}\"}\n");
  }

  @Test
  void whenTheAgentHasTheCurrentHash_thenItGets304UntilTheConfigurationChanges(Vertx vertx)
      throws Exception {
    api.start(vertx, b -> b.configSources(sources::get), Set.of());
    String etag = get(ApiFixture.AGENT, null).getHeader("ETag");

    HttpResponse<Buffer> same = get(ApiFixture.AGENT, etag);
    assertThat(same.statusCode()).isEqualTo(304);
    assertThat(same.body() == null || same.body().length() == 0).isTrue();

    sources.set(V2);
    HttpResponse<Buffer> changed = get(ApiFixture.AGENT, etag);
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.bodyAsJsonObject().getString("version")).isEqualTo(V2.hash());
    assertThat(changed.getHeader("ETag")).isEqualTo("\"" + V2.hash() + "\"");
  }

  @Test
  void whenTheTokenIsMissingOrWrong_thenTheAnswerIs401WithNoFiles(Vertx vertx) throws Exception {
    api.start(vertx, b -> b.configSources(sources::get), Set.of());

    error(get(null, null), 401, "unauthorized");
    HttpResponse<Buffer> wrong = get("not-the-agent-token", null);
    error(wrong, 401, "unauthorized");
    assertThat(wrong.bodyAsString()).doesNotContain("locations", "SHOP_TOKEN");
  }

  @Test
  void whenReadTokensGuardTheApi_thenTheAgentTokenStillReadsItsConfigurationAndAReadTokenDoesNot(
      Vertx vertx) throws Exception {
    api.start(
        vertx,
        b ->
            b.configSources(sources::get)
                .readTokens(Set.of("read-token-0123456789"))
                .adminTokens(Set.of("admin-token-0123456789")),
        Set.of());

    assertThat(get(ApiFixture.AGENT, null).statusCode()).isEqualTo(200);
    error(get("read-token-0123456789", null), 401, "unauthorized");
  }

  @Test
  void whenTheCoordinatorHasNoFiles_thenTheAnswerIs404SayingWhy(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());

    assertThat(error(get(ApiFixture.AGENT, null), 404, "not_found"))
        .contains("not started from a configuration directory");
  }
}
