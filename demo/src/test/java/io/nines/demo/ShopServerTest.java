package io.nines.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.ManualTimeSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShopServerTest {
  private final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z"));
  private Vertx vertx;
  private ShopServer shop;
  private WebClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    shop = new ShopServer(vertx, time, new Random(1));
    port = await(shop.start("127.0.0.1", 0));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String body) throws Exception {
    var req = client.request(method, port, "127.0.0.1", path);
    return await(
        body == null
            ? req.send()
            : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void whenAnOutageIsSet_thenTheServiceAnswers503UntilItExpires() throws Exception {
    assertThat(send(HttpMethod.GET, "/api/catalog", null).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> set =
        send(HttpMethod.POST, "/demo/faults/catalog", "{\"mode\":\"outage\",\"forSeconds\":120}");
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(send(HttpMethod.GET, "/api/catalog", null).statusCode()).isEqualTo(503);
    time.advance(Duration.ofSeconds(121));
    assertThat(send(HttpMethod.GET, "/api/catalog", null).statusCode()).isEqualTo(200);
  }

  @Test
  void whenPaymentsIsOut_thenCheckoutFailsToo() throws Exception {
    String token =
        send(HttpMethod.POST, "/api/login", "{\"user\":\"probe\",\"password\":\"shopsmart\"}")
            .bodyAsJsonObject()
            .getString("token");
    await(
        client
            .post(port, "127.0.0.1", "/api/cart")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new io.vertx.core.json.JsonObject().put("sku", "A1")));
    shop.setFault("payments", new Fault(Fault.Mode.OUTAGE, 1.0, 0, null));
    HttpResponse<Buffer> checkout =
        await(
            client
                .post(port, "127.0.0.1", "/api/checkout")
                .putHeader("Authorization", "Bearer " + token)
                .send());
    assertThat(checkout.statusCode()).isEqualTo(502);
    assertThat(checkout.bodyAsJsonObject().getString("message")).contains("payment");
  }

  @Test
  void whenAnUnknownModeIsPosted_thenTheErrorSaysWhatIsAllowed() throws Exception {
    HttpResponse<Buffer> r =
        send(HttpMethod.POST, "/demo/faults/catalog", "{\"mode\":\"explode\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("message"))
        .contains("outage, slow, errors, broken-ui or none");
  }

  @Test
  void whenErrorsAreInjected_thenAboutTheShareFails() throws Exception {
    send(HttpMethod.POST, "/demo/faults/reviews", "{\"mode\":\"errors\",\"share\":0.5}");
    int failed = 0;
    for (int i = 0; i < 100; i++) {
      if (send(HttpMethod.GET, "/api/reviews", null).statusCode() == 500) {
        failed++;
      }
    }
    assertThat(failed).isBetween(30, 70);
  }
}
