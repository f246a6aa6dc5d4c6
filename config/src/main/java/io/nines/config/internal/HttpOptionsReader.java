package io.nines.config.internal;

import io.nines.config.HttpOptions;
import java.util.List;

/**
 * Reads the {@code options:} of an http or journey check: redirects, TLS, keep-alive, body size.
 */
final class HttpOptionsReader {
  static final List<String> OPTIONS_KEYS =
      List.of("follow-redirects", "max-redirects", "insecure", "ca-file", "keep-alive", "max-body");
  static final long MAX_BODY_LIMIT = 1024L * 1024 * 1024;

  private final LoadContext ctx;

  HttpOptionsReader(LoadContext ctx) {
    this.ctx = ctx;
  }

  HttpOptions read(At at) {
    Fields f = at.fields(OPTIONS_KEYS);
    HttpOptions d = HttpOptions.DEFAULTS;
    if (f == null) {
      return d;
    }
    boolean followRedirects = d.followRedirects();
    if (f.has("follow-redirects")) {
      Boolean v = f.get("follow-redirects").bool();
      followRedirects = v == null ? followRedirects : v;
    }
    int maxRedirects = d.maxRedirects();
    if (f.has("max-redirects")) {
      Integer v = f.get("max-redirects").integer(0, 20);
      maxRedirects = v == null ? maxRedirects : v;
      if (!followRedirects) {
        f.get("max-redirects")
            .warning(
                "is ignored because follow-redirects is false: the check judges the redirect"
                    + " itself; remove one of them");
      }
    }
    boolean insecure = d.insecure();
    if (f.has("insecure")) {
      Boolean v = f.get("insecure").bool();
      insecure = v != null && v;
      if (insecure) {
        f.get("insecure")
            .warning(
                "is true: TLS certificates are not verified, so an expired or forged certificate"
                    + " goes unnoticed; prefer ca-file for private CAs");
      }
    }
    String caFile = d.caFile();
    if (f.has("ca-file")) {
      caFile = ctx.file(f.get("ca-file"));
    }
    boolean keepAlive = d.keepAlive();
    if (f.has("keep-alive")) {
      Boolean v = f.get("keep-alive").bool();
      keepAlive = v != null && v;
    }
    long maxBody = d.maxBodyBytes();
    if (f.has("max-body")) {
      At m = f.get("max-body");
      long bytes = m.isNull() || m.isMapping() || m.isSequence() ? -1 : Units.parseSize(m.scalar());
      if (bytes < 1 || bytes > MAX_BODY_LIMIT) {
        m.mustBe("a size from 1 byte to 1GiB, such as 1MiB, 512KiB or 65536");
      } else {
        maxBody = bytes;
      }
    }
    return new HttpOptions(followRedirects, maxRedirects, insecure, caFile, keepAlive, maxBody);
  }
}
