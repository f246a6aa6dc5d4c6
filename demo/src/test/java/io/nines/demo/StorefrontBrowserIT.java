package io.nines.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeSource;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The storefront in real headless Chromium: a shopper logs in, adds an item, checks out and sees
 * "Order confirmed"; under {@code broken-ui} the same click confirms nothing and the console holds
 * the script's error, while the shop's HTTP answers stay the same. Screenshots go to {@code
 * target/screenshots/}.
 */
class StorefrontBrowserIT {
  /** Generous: the machine running the suite may be busy; waits end as soon as they hold. */
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private String base;
  private Chromium browser;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ShopServer shop = new ShopServer(vertx, TimeSource.SYSTEM, new Random(1));
    int port =
        shop.start("127.0.0.1", 0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + port;
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Sets a fault through the shop's API, as {@code nines demo fault} does. */
  private void fault(String service, String mode) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/demo/faults/" + service))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"" + mode + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static By button(String name) {
    return By.xpath("//button[normalize-space()='" + name + "']");
  }

  private static By link(String name) {
    return By.xpath("//a[normalize-space()='" + name + "']");
  }

  private String heading() {
    return browser.driver.findElement(By.tagName("h1")).getText();
  }

  /** Logs in as the demo user, adds the first product and opens the checkout page. */
  private void shopUntilCheckout() {
    var driver = browser.driver;
    var wait = browser.waitUpTo(WAIT);
    driver.get(base + "/store/");
    wait.until(ExpectedConditions.urlToBe(base + "/store/login"));
    driver.findElement(By.id("username")).sendKeys("demo");
    driver.findElement(By.id("password")).sendKeys(ShopServer.PROBE_PASSWORD);
    driver.findElement(button("Log in")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Products"));
    assertThat(driver.findElements(button("Add to cart"))).hasSize(3);
    assertThat(driver.findElement(By.cssSelector("li.product[data-sku='A1']")).getText())
        .contains("Trail shoes", "$89.00");
    driver.findElement(button("Add to cart")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Your cart"));
    assertThat(driver.findElement(By.id("cart-total")).getText()).isEqualTo("$89.00");
    driver.findElement(link("Check out")).click();
    wait.until(ExpectedConditions.textToBe(By.tagName("h1"), "Checkout"));
  }

  @Test
  void whenAShopperLogsInAddsAnItemAndPlacesTheOrder_thenTheOrderIsConfirmed() throws Exception {
    browser = Chromium.startOrSkip();
    shopUntilCheckout();
    var wait = browser.waitUpTo(WAIT);
    browser.driver.findElement(button("Place order")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("order-status"), "Order confirmed"));
    assertThat(browser.driver.findElement(By.id("order-status")).getText())
        .matches("Order confirmed: ord-[0-9a-f]+, \\$89\\.00 paid\\.");
    assertThat(browser.driver.getTitle()).isEqualTo("Order confirmed · ShopSmart");
    assertThat(browser.driver.findElement(button("Place order")).isDisplayed()).isFalse();
    assertThat(browser.driver.findElement(By.id("cart-link")).getText()).isEqualTo("Cart (0)");
    browser.screenshot("storefront-01-order-confirmed");
    assertThat(browser.consoleErrors()).isEmpty();
    // The order was paid: the cart is empty now.
    browser.driver.get(base + "/store/cart");
    assertThat(browser.driver.getPageSource()).contains("Your cart is empty.");
  }

  @Test
  void whenBrokenUiIsSet_thenPlaceOrderConfirmsNothingAndTheConsoleHasTheScriptsError()
      throws Exception {
    browser = Chromium.startOrSkip();
    fault("checkout", "broken-ui");
    shopUntilCheckout();
    var driver = browser.driver;
    WebElement placeOrder = driver.findElement(button("Place order"));
    assertThat(placeOrder.isDisplayed()).isTrue();
    placeOrder.click();
    // A wired handler disables the button and says "Placing your order" before the click returns.
    assertThat(driver.findElement(By.id("order-status")).getText()).isEmpty();
    assertThat(placeOrder.isEnabled()).isTrue();
    assertThat(heading()).isEqualTo("Checkout");
    assertThat(browser.consoleErrors())
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains("/store/app.js", "Uncaught TypeError")
                    .contains("addEventListener"));
    browser.screenshot("storefront-02-broken-ui-nothing-happens");
    // Nothing was paid: the cart still holds the item.
    driver.get(base + "/store/cart");
    assertThat(driver.findElement(By.id("cart-total")).getText()).isEqualTo("$89.00");

    // Cleared, the same page works again.
    fault("checkout", "none");
    driver.get(base + "/store/checkout");
    driver.findElement(button("Place order")).click();
    browser
        .waitUpTo(WAIT)
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("order-status"), "Order confirmed"));
    assertThat(browser.consoleErrors()).isEmpty();
  }

  @Test
  void whenPaymentsIsOut_thenTheClickSaysTheOrderWasNotPlaced() throws Exception {
    browser = Chromium.startOrSkip();
    shopUntilCheckout();
    fault("payments", "outage");
    browser.driver.findElement(button("Place order")).click();
    browser
        .waitUpTo(WAIT)
        .until(ExpectedConditions.attributeToBe(By.id("order-status"), "data-state", "failed"));
    assertThat(browser.driver.findElement(By.id("order-status")).getText())
        .isEqualTo("Your order was not placed: the payment provider did not answer");
    assertThat(browser.driver.findElement(button("Place order")).isEnabled()).isTrue();
    browser.screenshot("storefront-03-payments-out");
  }
}
