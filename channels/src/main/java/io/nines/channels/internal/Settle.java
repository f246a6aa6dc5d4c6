package io.nines.channels.internal;

import io.nines.channels.DeliveryResult;
import io.vertx.core.Future;
import java.util.function.Supplier;

/** Keeps the channel contract: a send never throws and its future never fails. */
final class Settle {
  private Settle() {}

  /**
   * Runs {@code send} and turns whatever escapes it into a result: a {@link Secrets.BadSetting}
   * into a permanent one, anything else into a retryable one.
   */
  static Future<DeliveryResult> settle(String kind, Supplier<Future<DeliveryResult>> send) {
    try {
      return send.get().recover(t -> Future.succeededFuture(fromError(kind, t)));
    } catch (RuntimeException e) {
      return Future.succeededFuture(fromError(kind, e));
    }
  }

  static DeliveryResult fromError(String kind, Throwable t) {
    if (t instanceof Secrets.BadSetting) {
      return DeliveryResult.permanent(0, kind + ": " + t.getMessage());
    }
    return DeliveryResult.retryable(0, kind + ": " + Texts.describe(t));
  }
}
