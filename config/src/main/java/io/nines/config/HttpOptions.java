package io.nines.config;

/**
 * How http and journey checks talk HTTP.
 *
 * @param maxRedirects redirects followed before {@code REDIRECT_LOOP}; 0 follows none
 * @param insecure skip TLS verification (the validator warns)
 * @param caFile a PEM file of extra trusted CAs, or null
 * @param keepAlive reuse connections across probes; off by default so connect and TLS times are
 *     real
 * @param maxBodyBytes the most body bytes read; more is {@code BODY_TOO_LARGE}
 */
public record HttpOptions(
    int maxRedirects, boolean insecure, String caFile, boolean keepAlive, long maxBodyBytes) {
  public static final HttpOptions DEFAULTS = new HttpOptions(5, false, null, false, 1 << 20);
}
