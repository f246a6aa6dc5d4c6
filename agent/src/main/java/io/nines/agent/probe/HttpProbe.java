package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.nines.config.assertion.Evaluator;
import io.nines.config.assertion.JsonPath;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Subject;
import io.nines.config.assertion.Verdict;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code http} checks (one request) and {@code journey} checks (several requests sharing a
 * cookie jar and variables; the first failing step ends the journey).
 *
 * <p>Redirects are followed by the probe itself, up to the check's bound, so that a loop is
 * reported as {@code REDIRECT_LOOP}. The body is read up to the cap and the connection is dropped
 * past it. One timer bounds the whole check: when it fires, the request in flight is dropped and
 * the result is {@code TIMEOUT}.
 *
 * <p>When no assertion of a step looks at {@code status}, the step requires a status below 400.
 *
 * <p>Timing phases, in milliseconds: {@code dns} (the name resolved), {@code connect} (TCP
 * connected), {@code tls} (handshake done; https only) and {@code firstByte} (status line and
 * headers read) are those of the last request made (the one whose response was judged, or the one
 * that failed), counted from that request's start, as curl counts them; a phase not reached is
 * absent. {@code total} is the whole check, from its start to its verdict. Each request opens a new
 * connection, so every phase is real; a check with {@code keep-alive: true} reuses pooled
 * connections and then has only {@code firstByte} and {@code total}. On failure the diagnostics
 * hold the phases of every step done ({@code steps}), the addresses the failing request's host
 * resolved to ({@code addresses}), the response's status and headers, and the first {@value
 * #DIAGNOSTIC_BODY_BYTES} bytes of its body, with every secret used replaced by {@code [redacted]}.
 */
public final class HttpProbe implements Probe {
  private static final Logger LOG = Logger.getLogger(HttpProbe.class.getName());

  /** How much of a failing response's body the diagnostics keep. */
  public static final int DIAGNOSTIC_BODY_BYTES = 4096;

  private static final String REDACTED = "[redacted]";
  private static final String USER_AGENT = "Nines/" + io.nines.common.Version.current();

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    List<Request> steps;
    HttpOptions options;
    if (check.spec() instanceof CheckSpec.Http http) {
      steps = List.of(http.request());
      options = http.options();
    } else if (check.spec() instanceof CheckSpec.Journey journey) {
      steps = journey.steps();
      options = journey.options();
    } else {
      return Future.succeededFuture(
          new ProbeOutcome(
              new Failure(
                  FailureKind.INTERNAL, "", "HttpProbe can't run a " + check.type() + " check"),
              0,
              Map.of(),
              null));
    }
    return new Run(check, context, steps, options).start();
  }

  /** One attempt: state confined to the caller's Vert.x context. */
  private static final class Run {
    private final Check check;
    private final ProbeContext ctx;
    private final List<Request> steps;
    private final HttpOptions options;
    private final HttpTransport transport;
    private final Promise<ProbeOutcome> promise = Promise.promise();
    private final long startNanos;
    private final Map<String, String> vars;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Set<String> secretValues = new LinkedHashSet<>();
    private final JsonArray stepTimings = new JsonArray();
    private long timerId = -1;
    private HttpTransport.Exchange inFlight;
    private String currentStep = "";
    private String currentUrl = "";
    private long stepStartNanos;

    /** The request in flight (or the last one): its phases and resolved addresses. */
    private Map<String, Double> hopPhases = new LinkedHashMap<>();

    private List<InetSocketAddress> hopAddresses;
    private boolean done;

    Run(Check check, ProbeContext ctx, List<Request> steps, HttpOptions options) {
      this.check = check;
      this.ctx = ctx;
      this.steps = steps;
      this.options = options;
      this.transport =
          ctx.clients().transport(options.keepAlive(), options.insecure(), options.caFile());
      this.startNanos = ctx.time().monotonicNanos();
      this.vars = new HashMap<>(ctx.vars());
    }

    Future<ProbeOutcome> start() {
      long timeoutMillis = Math.max(1, check.timeout().toMillis());
      timerId =
          ctx.vertx()
              .setTimer(
                  timeoutMillis,
                  t -> {
                    timerId = -1;
                    fail(
                        FailureKind.TIMEOUT,
                        "no complete response within " + format(check.timeout()),
                        null,
                        null,
                        null);
                  });
      try {
        runStep(0);
      } catch (RuntimeException e) {
        internal(e);
      }
      return promise.future();
    }

    private void runStep(int index) {
      if (done) {
        return;
      }
      if (index == steps.size()) {
        succeed();
        return;
      }
      Request step = steps.get(index);
      currentStep = step.name();
      stepStartNanos = ctx.time().monotonicNanos();
      String url;
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      Buffer body;
      try {
        url = render(step.url());
        for (Map.Entry<String, Template> h : step.headers().entrySet()) {
          headers.add(h.getKey(), render(h.getValue()));
        }
        body = renderBody(step.body(), headers);
      } catch (SecretRef.UnresolvedSecret | IllegalStateException e) {
        fail(FailureKind.INTERNAL, e.getMessage(), null, null, null);
        return;
      }
      if (!headers.contains(HttpHeaders.USER_AGENT)) {
        headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
      }
      if (!cookies.isEmpty() && !headers.contains(HttpHeaders.COOKIE)) {
        StringBuilder cookie = new StringBuilder();
        cookies.forEach(
            (k, v) ->
                cookie.append(cookie.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        headers.add(HttpHeaders.COOKIE, cookie.toString());
      }
      send(index, step, step.method(), url, headers, body, 0);
    }

    private void send(
        int index,
        Request step,
        String method,
        String url,
        MultiMap headers,
        Buffer body,
        int redirects) {
      currentUrl = url;
      hopPhases = new LinkedHashMap<>();
      hopAddresses = null;
      URI uri;
      try {
        uri = parse(url);
      } catch (IllegalArgumentException e) {
        fail(
            FailureKind.PROTOCOL,
            "invalid URL " + redact(url) + ": " + e.getMessage(),
            null,
            null,
            null);
        return;
      }
      Hop hop = new Hop(index, step, method, url, headers, body, redirects);
      inFlight =
          transport.exchange(
              new HttpTransport.Request(method, uri, headers, body, options.maxBodyBytes()), hop);
    }

    /** What the transport reports about one request (a step, or one of its redirects). */
    private final class Hop implements HttpTransport.Listener {
      private final int index;
      private final Request step;
      private final String method;
      private final String url;
      private final MultiMap requestHeaders;
      private final Buffer requestBody;
      private final int redirects;
      private final long hopStartNanos = ctx.time().monotonicNanos();
      private int status;
      private MultiMap headers;

      Hop(
          int index,
          Request step,
          String method,
          String url,
          MultiMap requestHeaders,
          Buffer requestBody,
          int redirects) {
        this.index = index;
        this.step = step;
        this.method = method;
        this.url = url;
        this.requestHeaders = requestHeaders;
        this.requestBody = requestBody;
        this.redirects = redirects;
      }

      @Override
      public void onPhase(String phase) {
        if (!done) {
          hopPhases.put(phase, round(millisSince(hopStartNanos)));
        }
      }

      @Override
      public void onResolved(List<InetSocketAddress> addresses) {
        hopAddresses = addresses;
      }

      @Override
      public boolean onHead(int status, MultiMap headers) {
        if (done) {
          return false;
        }
        this.status = status;
        this.headers = headers;
        try {
          rememberCookies(headers);
          String location = headers.get(HttpHeaders.LOCATION);
          if (status >= 300 && status < 400 && location != null && !mentionsStatus(step)) {
            inFlight = null;
            redirect(location);
            return false;
          }
          return true;
        } catch (RuntimeException e) {
          internal(e);
          return false;
        }
      }

      private void redirect(String location) {
        if (redirects >= options.maxRedirects()) {
          fail(
              FailureKind.REDIRECT_LOOP,
              "more than "
                  + options.maxRedirects()
                  + " redirects; the last was "
                  + status
                  + " to "
                  + redact(location),
              status,
              headers,
              null);
          return;
        }
        String next;
        try {
          next = URI.create(url).resolve(location).toString();
        } catch (IllegalArgumentException e) {
          fail(
              FailureKind.PROTOCOL,
              "redirect to an invalid location " + redact(location),
              status,
              headers,
              null);
          return;
        }
        boolean keepMethod = status == 307 || status == 308;
        send(
            index,
            step,
            keepMethod ? method : "GET",
            next,
            requestHeaders,
            keepMethod ? requestBody : null,
            redirects + 1);
      }

      @Override
      public void onBody(Buffer body) {
        if (done) {
          return;
        }
        inFlight = null;
        try {
          double stepMillis = millisSince(stepStartNanos);
          stepTimings.add(stepTiming(step.name(), status, redirects, stepMillis));
          Duration latency = Duration.ofNanos((long) (stepMillis * 1_000_000));
          checkStep(index, step, headers, status, body, latency);
        } catch (RuntimeException e) {
          internal(e);
        }
      }

      @Override
      public void onTooLarge(Buffer firstBytes) {
        inFlight = null;
        fail(
            FailureKind.BODY_TOO_LARGE,
            "the body is larger than the cap of " + options.maxBodyBytes() + " bytes",
            status,
            headers,
            firstBytes);
      }

      @Override
      public void onFailure(String phase, Throwable error) {
        if (done) {
          return;
        }
        inFlight = null;
        URI uri = URI.create(url);
        String target = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        FailureKind kind = Failures.classify(error);
        String message;
        switch (phase) {
          case HttpTransport.DNS -> {
            kind = kind == FailureKind.TIMEOUT ? kind : FailureKind.DNS;
            message = "could not resolve " + uri.getHost() + ": " + Failures.describe(error);
          }
          case HttpTransport.CONNECT -> {
            kind = kind == FailureKind.TIMEOUT ? kind : FailureKind.CONNECT;
            message = "could not connect to " + target + ": " + Failures.describe(error);
          }
          case HttpTransport.TLS -> {
            kind = kind == FailureKind.TIMEOUT ? kind : FailureKind.TLS;
            message = "the TLS handshake with " + target + " failed: " + Failures.describe(error);
          }
          default -> {
            if (kind == FailureKind.INTERNAL) {
              LOG.log(Level.WARNING, "probe " + check.id() + " failed unexpectedly", error);
            }
            message = Failures.describe(error);
          }
        }
        fail(kind, message, null, null, null);
      }
    }

    private JsonObject stepTiming(String step, Integer status, int redirects, double stepMillis) {
      JsonObject phases = new JsonObject();
      hopPhases.forEach(phases::put);
      phases.put("total", round(stepMillis));
      JsonObject timing = new JsonObject().put("step", step);
      if (status != null) {
        timing.put("status", status);
      }
      if (redirects > 0) {
        timing.put("redirects", redirects);
      }
      return timing.put("phasesMillis", phases);
    }

    private void checkStep(
        int index, Request step, MultiMap headers, int status, Buffer received, Duration latency) {
      String text = received.toString(StandardCharsets.UTF_8);
      Observation observation = new HttpObservation(status, latency, headers, text);
      if (!mentionsStatus(step) && status >= 400) {
        fail(
            FailureKind.HTTP_STATUS,
            "status was " + status + " but it must be below 400 (no assertion names the status)",
            status,
            headers,
            received);
        return;
      }
      List<Verdict> verdicts = Evaluator.evaluateAll(step.expect(), observation);
      for (int i = 0; i < verdicts.size(); i++) {
        Verdict verdict = verdicts.get(i);
        if (!verdict.ok()) {
          FailureKind kind =
              step.expect().get(i).subject() instanceof Subject.Status
                  ? FailureKind.HTTP_STATUS
                  : FailureKind.ASSERTION;
          fail(kind, verdict.message(), status, headers, received);
          return;
        }
      }
      for (Request.Extraction extraction : step.extract()) {
        String value = extract(extraction, headers, text);
        if (value == null) {
          fail(
              FailureKind.ASSERTION,
              "extract "
                  + extraction.variable()
                  + ": no value at "
                  + extraction.from().name().toLowerCase(Locale.ROOT)
                  + " "
                  + extraction.expression(),
              status,
              headers,
              received);
          return;
        }
        vars.put(extraction.variable(), value);
      }
      runStep(index + 1);
    }

    private void succeed() {
      if (done) {
        return;
      }
      done = true;
      cancelTimer();
      promise.complete(new ProbeOutcome(null, elapsedMillis(), phases(), null));
    }

    private Map<String, Double> phases() {
      Map<String, Double> phases = new LinkedHashMap<>(hopPhases);
      phases.put("total", round(millisSince(startNanos)));
      return phases;
    }

    private void fail(
        FailureKind kind, String message, Integer status, MultiMap headers, Buffer body) {
      if (done) {
        return;
      }
      done = true;
      cancelTimer();
      if (inFlight != null) {
        inFlight.cancel();
        inFlight = null;
      }
      JsonObject diagnostics =
          new JsonObject().put("step", currentStep).put("url", redact(currentUrl));
      if (hopAddresses != null) {
        JsonArray addresses = new JsonArray();
        hopAddresses.forEach(a -> addresses.add(a.getAddress().getHostAddress()));
        diagnostics.put("addresses", addresses);
      }
      if (status != null) {
        diagnostics.put("status", status);
      }
      if (headers != null) {
        JsonObject h = new JsonObject();
        headers.forEach(e -> h.put(e.getKey(), redact(e.getValue())));
        diagnostics.put("headers", h);
      }
      if (body != null) {
        int n = Math.min(body.length(), DIAGNOSTIC_BODY_BYTES);
        diagnostics.put("body", redact(body.getString(0, n, "UTF-8")));
        diagnostics.put("bodyBytes", body.length());
      }
      JsonArray timings = stepTimings.copy();
      if (!currentStep.isEmpty()) {
        timings.add(stepTiming(currentStep, status, 0, millisSince(stepStartNanos)));
      }
      diagnostics.put("steps", timings);
      promise.complete(
          new ProbeOutcome(
              new Failure(kind, currentStep, redact(message)),
              elapsedMillis(),
              phases(),
              diagnostics));
    }

    private void internal(RuntimeException e) {
      LOG.log(Level.WARNING, "probe " + check.id() + " failed unexpectedly", e);
      fail(FailureKind.INTERNAL, Failures.describe(e), null, null, null);
    }

    private void cancelTimer() {
      if (timerId >= 0) {
        ctx.vertx().cancelTimer(timerId);
        timerId = -1;
      }
    }

    private long elapsedMillis() {
      return (ctx.time().monotonicNanos() - startNanos) / 1_000_000;
    }

    private double millisSince(long nanos) {
      return (ctx.time().monotonicNanos() - nanos) / 1_000_000.0;
    }

    private String render(Template template) {
      return template.render(
          vars::get,
          ref -> {
            String value = ctx.secrets().apply(ref);
            if (!value.isEmpty()) {
              secretValues.add(value);
            }
            return value;
          });
    }

    private Buffer renderBody(Request.Body body, MultiMap headers) {
      if (body == null) {
        return null;
      }
      if (body instanceof Request.RawBody raw) {
        setContentType(
            headers, raw.contentType() == null ? "text/plain; charset=utf-8" : raw.contentType());
        return Buffer.buffer(render(raw.text()));
      }
      if (body instanceof Request.JsonBody json) {
        setContentType(headers, "application/json");
        return Buffer.buffer(io.vertx.core.json.Json.encode(renderJson(json.tree())));
      }
      Request.FormBody form = (Request.FormBody) body;
      setContentType(headers, "application/x-www-form-urlencoded");
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, Template> f : form.fields().entrySet()) {
        if (sb.length() > 0) {
          sb.append('&');
        }
        sb.append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8))
            .append('=')
            .append(URLEncoder.encode(render(f.getValue()), StandardCharsets.UTF_8));
      }
      return Buffer.buffer(sb.toString());
    }

    private static void setContentType(MultiMap headers, String type) {
      if (!headers.contains(HttpHeaders.CONTENT_TYPE)) {
        headers.set(HttpHeaders.CONTENT_TYPE, type);
      }
    }

    private Object renderJson(Object tree) {
      if (tree instanceof Template t) {
        return render(t);
      }
      if (tree instanceof Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), renderJson(v)));
        return out;
      }
      if (tree instanceof List<?> list) {
        List<Object> out = new ArrayList<>(list.size());
        list.forEach(v -> out.add(renderJson(v)));
        return out;
      }
      return tree;
    }

    private void rememberCookies(MultiMap headers) {
      for (String setCookie : headers.getAll(HttpHeaders.SET_COOKIE)) {
        int semi = setCookie.indexOf(';');
        String pair = semi < 0 ? setCookie : setCookie.substring(0, semi);
        int eq = pair.indexOf('=');
        if (eq > 0) {
          cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }

    /** Replaces every secret value used in this run by a marker. */
    private String redact(String text) {
      if (text == null || secretValues.isEmpty()) {
        return text;
      }
      String out = text;
      for (String secret : secretValues) {
        out = out.replace(secret, REDACTED);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        if (!encoded.equals(secret)) {
          out = out.replace(encoded, REDACTED);
        }
      }
      return out;
    }
  }

  /**
   * An absolute http or https URL with a host.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          "the scheme is '" + scheme + "' (expected: http or https)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("it has no host (expected: http://host[:port]/path)");
    }
    return uri;
  }

  private static boolean mentionsStatus(Request step) {
    return step.expect().stream().anyMatch(a -> a.subject() instanceof Subject.Status);
  }

  /** Reads an extraction's value, or null when there is none. */
  static String extract(Request.Extraction extraction, MultiMap headers, String body) {
    switch (extraction.from()) {
      case HEADER:
        return headers.get(extraction.expression());
      case REGEX:
        Matcher m = Pattern.compile(extraction.expression()).matcher(body);
        if (!m.find()) {
          return null;
        }
        return m.groupCount() >= 1 ? m.group(1) : m.group();
      case JSON:
      default:
        Object json;
        try {
          json = io.vertx.core.json.Json.decodeValue(body);
        } catch (RuntimeException e) {
          return null;
        }
        return JsonPath.parse(extraction.expression())
            .select(json)
            .filter(v -> v != null)
            .map(String::valueOf)
            .orElse(null);
    }
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  /** The observation assertions read from an HTTP response. */
  private record HttpObservation(int statusCode, Duration took, MultiMap headers, String text)
      implements Observation {
    @Override
    public Integer status() {
      return statusCode;
    }

    @Override
    public Duration latency() {
      return took;
    }

    @Override
    public String header(String name) {
      return headers.get(name);
    }

    @Override
    public String body() {
      return text;
    }
  }
}
