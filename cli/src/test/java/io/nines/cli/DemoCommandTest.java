package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeSource;
import io.nines.demo.Fault;
import io.nines.demo.ShopServer;
import io.vertx.core.Vertx;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code nines demo fault} against a real shop on port 0. */
class DemoCommandTest {
  private Vertx vertx;
  private ShopServer shop;
  private String url;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    shop = new ShopServer(vertx, TimeSource.SYSTEM, new Random(1));
    int port =
        shop.start("127.0.0.1", 0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    url = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void whenCheckoutGetsBrokenUi_thenTheShopHasItUntilItIsCleared() {
    Cli set = Cli.run("demo", "fault", "checkout", "broken-ui", "--shop", url);
    assertThat(set.exitCode()).as(set.err()).isZero();
    assertThat(set.out().trim()).isEqualTo("checkout: broken-ui");
    assertThat(shop.faultOf("checkout").mode()).isEqualTo(Fault.Mode.BROKEN_UI);

    Cli cleared = Cli.run("demo", "fault", "checkout", "none", "--shop", url);
    assertThat(cleared.exitCode()).as(cleared.err()).isZero();
    assertThat(cleared.out().trim()).isEqualTo("checkout: none");
    assertThat(shop.faultOf("checkout")).isNull();
  }

  @Test
  void whenBrokenUiIsAskedForAnotherService_thenTheErrorNamesCheckout() {
    Cli cli = Cli.run("demo", "fault", "catalog", "broken-ui", "--shop", url);
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err()).contains("fault of checkout, not of catalog");
    assertThat(shop.faultOf("catalog")).isNull();
  }

  @Test
  void whenHelpIsAsked_thenItExplainsBrokenUi() {
    Cli cli = Cli.run("demo", "fault", "--help");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("broken-ui", "Place order", "checkout only");
  }
}
