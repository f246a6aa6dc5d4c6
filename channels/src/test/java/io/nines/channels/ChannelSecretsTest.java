package io.nines.channels;

import static io.nines.channels.Fixtures.await;
import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.Notification.Kind;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Channel;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channel settings read their secrets through config's renderer: a {@code ${file:...}} secret is
 * read at each send on a worker thread, never on the event loop that sends.
 */
class ChannelSecretsTest {
  @TempDir Path dir;

  Vertx vertx;
  Channels channels;
  LocalReceiver receiver;

  /** One entry per secret read: whether it ran on an event loop. */
  final List<String> reads = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            new ManualTimeSource(Fixtures.START),
            ChannelOptions.defaults(),
            ref -> {
              reads.add(Context.isOnEventLoopThread() ? "event loop" : "off-loop");
              return ref.resolve(Map.of());
            });
    receiver = new LocalReceiver(vertx, r -> new LocalReceiver.Response(200, "{}"));
  }

  @AfterEach
  void stop() {
    await(channels.close());
    receiver.close();
    await(vertx.close());
  }

  static Template fileSecret(Path file) {
    SecretRef ref = new SecretRef(SecretRef.Kind.FILE, file.toString());
    return new Template(ref.toString(), List.of(new Template.Secret(ref)));
  }

  /** Sends as the coordinator's alerting does: from an event loop. */
  Future<DeliveryResult> sendOnEventLoop(Notification n, Channel.Webhook hook) {
    Promise<DeliveryResult> p = Promise.promise();
    vertx.runOnContext(v -> channels.send(n, hook).onComplete(p));
    return p.future();
  }

  @Test
  void whenTheSigningSecretIsAFile_thenEachSendReadsItAfreshOffTheEventLoop() throws Exception {
    Path key = Files.writeString(dir.resolve("hook-key"), "first-key\n");
    Channel.Webhook hook =
        new Channel.Webhook(Template.literal(receiver.url("/hooks")), fileSecret(key));

    DeliveryResult first = await(sendOnEventLoop(checkout(Kind.TRIGGER), hook));
    Files.writeString(key, "rotated-key\n");
    DeliveryResult second = await(sendOnEventLoop(checkout(Kind.RESOLVE), hook));

    assertThat(first.ok()).as(first.message()).isTrue();
    assertThat(second.ok()).as(second.message()).isTrue();
    byte[] secondBody = receiver.requests().get(1).body().getBytes();
    assertThat(
            WebhookSignature.verify(
                "rotated-key",
                secondBody,
                receiver.requests().get(1).headers().get("X-Nines-Signature")))
        .isTrue();
    assertThat(reads).containsExactly("off-loop", "off-loop");
  }

  @Test
  void whenTheSecretFileIsMissing_thenTheResultIsPermanentAndNamesTheSettingAndTheFile() {
    Path missing = dir.resolve("absent");
    Channel.Webhook hook =
        new Channel.Webhook(Template.literal(receiver.url("/hooks")), fileSecret(missing));

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), hook));

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.message())
        .isEqualTo(
            "webhook: webhook secret: ${file:" + missing + "} can't be read: NoSuchFileException");
    assertThat(receiver.requests()).isEmpty();
  }
}
