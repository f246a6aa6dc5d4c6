package io.nines.channels;

import io.nines.common.Checks;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of generic webhook posts: header {@code X-Nines-Signature: sha256=<hex>}, where
 * {@code <hex>} is the lowercase hex HMAC-SHA256 of the raw request body keyed with the channel's
 * secret (its UTF-8 bytes). The body carries {@code sent_at}, equal to the {@code
 * X-Nines-Timestamp} header, so the signature covers the time too and receivers can refuse old
 * replays. Receivers in Java can use {@link #verify}; docs/channels.md has the recipe for others.
 */
public final class WebhookSignature {
  /** The header that carries the signature. */
  public static final String HEADER = "X-Nines-Signature";

  /** The header that carries the send time in seconds since the epoch. */
  public static final String TIMESTAMP_HEADER = "X-Nines-Timestamp";

  /** The header that carries the notification's idempotency key. */
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private static final String PREFIX = "sha256=";

  private WebhookSignature() {}

  /** The header value for {@code body} signed with {@code secret}: {@code sha256=<hex>}. */
  public static String sign(String secret, byte[] body) {
    Checks.notNull(secret, "secret");
    Checks.notNull(body, "body");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      // Every Java runtime has HmacSHA256.
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * Whether {@code header} is the signature of {@code body} with {@code secret}, compared in
   * constant time. A null or malformed header is not.
   */
  public static boolean verify(String secret, byte[] body, String header) {
    if (header == null || !header.startsWith(PREFIX)) {
      return false;
    }
    byte[] expected = sign(secret, body).getBytes(StandardCharsets.US_ASCII);
    byte[] actual = header.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, actual);
  }
}
