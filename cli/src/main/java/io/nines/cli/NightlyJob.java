package io.nines.cli;

import io.nines.demo.ShopServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The demo's "nightly" job under {@code nines up}: every minute it runs (a second or two) and
 * reports to each heartbeat check of the fleet, {@code /start} then success, as a cron job would.
 * {@code nines demo fault nightly-job stopped} makes it stop reporting, so that its heartbeat goes
 * DOWN once the run is overdue by its grace. Runs on the caller's Vert.x; never blocks.
 */
final class NightlyJob {
  private static final Logger LOG = Logger.getLogger(NightlyJob.class.getName());

  /** How often the job runs. */
  static final long PERIOD_MILLIS = 60_000;

  /** How long a run takes, so that the timeline shows a duration. */
  static final long RUN_MILLIS = 1_500;

  private final Vertx vertx;
  private final ShopServer shop;
  private final String coordinatorUrl;
  private final Map<String, String> tokens;
  private final HttpClient client;

  /**
   * @param tokens heartbeat check id -> its token
   */
  NightlyJob(Vertx vertx, ShopServer shop, String coordinatorUrl, Map<String, String> tokens) {
    this.vertx = vertx;
    this.shop = shop;
    this.coordinatorUrl = coordinatorUrl;
    this.tokens = Map.copyOf(tokens);
    this.client = vertx.createHttpClient();
  }

  void start() {
    if (tokens.isEmpty()) {
      return;
    }
    runOnce();
    vertx.setPeriodic(PERIOD_MILLIS, id -> runOnce());
  }

  private void runOnce() {
    if (shop.faultOf(ShopServer.JOBS.get(0)) != null) {
      return;
    }
    tokens.forEach(
        (check, token) ->
            ping(check, token, "/start")
                .onComplete(ar -> vertx.setTimer(RUN_MILLIS, t -> ping(check, token, ""))));
  }

  private Future<Integer> ping(String check, String token, String suffix) {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(coordinatorUrl + "/api/v1/heartbeats/" + check + suffix)
                .putHeader("Authorization", "Bearer " + token))
        .compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onSuccess(
            status -> {
              if (status != 200) {
                LOG.warning("the demo's nightly job got " + status + " from heartbeat " + check);
              }
            })
        .onFailure(e -> LOG.warning("the demo's nightly job could not ping " + check + ": " + e));
  }
}
