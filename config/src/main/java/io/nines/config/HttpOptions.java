package io.nines.config;

/**
 * How http and journey checks talk HTTP.
 *
 * @param followRedirects follow redirects (301, 302, 303, 307, 308 with a {@code Location}) and
 *     judge the final response, as browsers and {@code curl -L} do; false judges the redirect
 *     itself
 * @param maxRedirects with {@code followRedirects}, the most redirects followed in one step; one
 *     more is {@code REDIRECT_LOOP}, so 0 makes any redirect a failure
 * @param insecure skip TLS verification (the validator warns)
 * @param caFile a PEM file of extra trusted CAs, or null
 * @param keepAlive reuse connections across probes; off by default so connect and TLS times are
 *     real
 * @param maxBodyBytes the most body bytes read; more is {@code BODY_TOO_LARGE}
 */
public record HttpOptions(
    boolean followRedirects,
    int maxRedirects,
    boolean insecure,
    String caFile,
    boolean keepAlive,
    long maxBodyBytes) {
  public static final HttpOptions DEFAULTS = new HttpOptions(true, 5, false, null, false, 1 << 20);
}
