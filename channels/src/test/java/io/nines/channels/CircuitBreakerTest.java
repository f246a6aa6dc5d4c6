package io.nines.channels;

import static io.nines.channels.Fixtures.await;
import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.CircuitStatus.State;
import io.nines.channels.Notification.Kind;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Channel;
import io.nines.config.Template;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One breaker per endpoint: a dead endpoint fails fast once its breaker opens and slows no other.
 */
class CircuitBreakerTest {
  Vertx vertx;
  SimpleMeterRegistry registry;
  LocalReceiver healthy;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    healthy = new LocalReceiver(vertx, r -> new LocalReceiver.Response(200, "{}"));
  }

  @AfterEach
  void stop() {
    healthy.close();
    await(vertx.close());
  }

  Channels channels(Duration sendTimeout, int maxFailures, Duration resetTimeout) {
    return Channels.create(
        vertx,
        registry,
        new ManualTimeSource(Fixtures.START),
        ChannelOptions.defaults()
            .withSendTimeout(sendTimeout)
            .withBreaker(maxFailures, Duration.ofMinutes(1), resetTimeout),
        ref -> ref.resolve(Map.of()));
  }

  static Channel.Webhook hook(String url) {
    return new Channel.Webhook(Template.literal(url), null);
  }

  double gauge(String endpoint) {
    return registry
        .get("nines.channel.circuit")
        .tag("channel", "webhook")
        .tag("endpoint", endpoint)
        .gauge()
        .value();
  }

  @Test
  void
      whenAnEndpointRefusesConnections_thenItsBreakerOpensAfterMaxFailuresWhileAHealthyOneDelivers()
          throws IOException {
    // A port nothing listens on: a plain socket, closed before this returns. (A Vert.x server's
    // close completed while its listening socket still took a connection now and then, which the
    // kernel then reset: "Connection reset" instead of "refused" in a fresh-clone run.)
    int deadPort;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = closed.getLocalPort();
    }
    String dead = "127.0.0.1:" + deadPort;
    Channels channels = channels(Duration.ofSeconds(5), 3, Duration.ofMinutes(10));

    List<DeliveryResult> toDead = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      toDead.add(await(channels.send(checkout(Kind.TRIGGER), hook("http://" + dead + "/hook"))));
      DeliveryResult ok = await(channels.send(checkout(Kind.TRIGGER), hook(healthy.url("/hook"))));
      assertThat(ok.ok()).as(ok.message()).isTrue();
    }

    assertThat(toDead).allSatisfy(r -> assertThat(r.retryable()).isTrue());
    assertThat(toDead.subList(0, 3))
        .allSatisfy(
            r ->
                assertThat(r.message())
                    .startsWith("webhook " + dead + ": ")
                    .containsIgnoringCase("refused"));
    assertThat(toDead.get(3).message())
        .isEqualTo(
            "webhook "
                + dead
                + ": not sent, the circuit is open after 3 failures; it lets a trial"
                + " send through 600 s after opening");
    assertThat(healthy.requests()).hasSize(4);
    assertThat(channels.circuits())
        .containsExactlyInAnyOrder(
            new CircuitStatus("webhook", dead, State.OPEN, 3),
            new CircuitStatus("webhook", "127.0.0.1:" + healthy.port(), State.CLOSED, 0));
    assertThat(gauge(dead)).isEqualTo(2.0);
    assertThat(gauge("127.0.0.1:" + healthy.port())).isEqualTo(0.0);
    await(channels.close());
  }

  @Test
  void whenAnEndpointHangs_thenOthersDeliverWithoutWaitingAndAnOpenBreakerStopsConnecting() {
    List<NetSocket> held = new CopyOnWriteArrayList<>();
    NetServer blackHole =
        vertx
            .createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
            .connectHandler(held::add); // reads, never answers
    await(blackHole.listen());
    String hung = "127.0.0.1:" + blackHole.actualPort();
    // A send timeout far beyond the test's length: nothing below may wait for it.
    Channels channels = channels(Duration.ofMinutes(5), 2, Duration.ofMinutes(10));

    Future<DeliveryResult> first =
        channels.send(checkout(Kind.TRIGGER), hook("http://" + hung + "/hook"));
    Future<DeliveryResult> second =
        channels.send(checkout(Kind.TRIGGER), hook("http://" + hung + "/hook"));
    for (int i = 0; i < 5; i++) {
      DeliveryResult ok = await(channels.send(checkout(Kind.TRIGGER), hook(healthy.url("/hook"))));
      assertThat(ok.ok()).as(ok.message()).isTrue();
    }
    assertThat(first.isComplete() || second.isComplete())
        .as("the hung endpoint's sends still wait after the healthy endpoint delivered")
        .isFalse();

    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 2);
    held.forEach(NetSocket::close); // the endpoint drops the connections
    assertThat(await(first).retryable()).isTrue();
    assertThat(await(second).message()).startsWith("webhook " + hung + ": ");
    DeliveryResult third =
        await(channels.send(checkout(Kind.TRIGGER), hook("http://" + hung + "/hook")));
    assertThat(third.message()).contains("the circuit is open");
    assertThat(held).hasSize(2);
    assertThat(gauge(hung)).isEqualTo(2.0);
    await(channels.close());
    await(blackHole.close());
  }

  @Test
  void whenAnEndpointDoesNotAnswerWithinTheSendTimeout_thenTheResultIsRetryableAndCounts() {
    NetServer blackHole =
        vertx
            .createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0))
            .connectHandler(socket -> {});
    await(blackHole.listen());
    String hung = "127.0.0.1:" + blackHole.actualPort();
    Channels channels = channels(Duration.ofMillis(300), 1, Duration.ofMinutes(10));

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), hook("http://" + hung + "/h")));

    assertThat(r.retryable()).isTrue();
    assertThat(r.message()).isEqualTo("webhook " + hung + ": no answer within 300 ms");
    assertThat(channels.circuits()).extracting(CircuitStatus::state).containsExactly(State.OPEN);
    await(channels.close());
    await(blackHole.close());
  }

  @Test
  void whenAnOpenBreakersEndpointRecovers_thenATrialSendClosesItAgain() {
    AtomicBoolean up = new AtomicBoolean(false);
    LocalReceiver flaky =
        new LocalReceiver(vertx, r -> new LocalReceiver.Response(up.get() ? 200 : 503, "{}"));
    String endpoint = "127.0.0.1:" + flaky.port();
    Channels channels = channels(Duration.ofSeconds(5), 2, Duration.ofMillis(300));

    assertThat(await(channels.send(checkout(Kind.TRIGGER), hook(flaky.url("/h")))).code())
        .isEqualTo(503);
    assertThat(await(channels.send(checkout(Kind.TRIGGER), hook(flaky.url("/h")))).code())
        .isEqualTo(503);
    assertThat(channels.circuits()).extracting(CircuitStatus::state).containsOnly(State.OPEN);
    up.set(true);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> channels.circuits().get(0).state() == State.HALF_OPEN);
    assertThat(gauge(endpoint)).isEqualTo(1.0);

    DeliveryResult trial = await(channels.send(checkout(Kind.TRIGGER), hook(flaky.url("/h"))));

    assertThat(trial.ok()).as(trial.message()).isTrue();
    assertThat(channels.circuits().get(0).state()).isEqualTo(State.CLOSED);
    assertThat(gauge(endpoint)).isEqualTo(0.0);
    await(channels.close());
    flaky.close();
  }
}
