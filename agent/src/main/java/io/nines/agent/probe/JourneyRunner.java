package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One run of an {@code http} check or a {@code journey}: the steps in order, each request and its
 * redirects, the cookie jar, the variables extracted, the timing phases, the verdict and the
 * diagnostics, as {@link HttpProbe} describes them. The first failing step ends the run; one timer
 * bounds it whole.
 *
 * <p>Not thread-safe: a runner serves one run, and it and every callback it registers run on the
 * Vert.x context that called {@link #start()}. Its future always succeeds, exactly once.
 */
final class JourneyRunner {
  private static final Logger LOG = Logger.getLogger(JourneyRunner.class.getName());

  private final Check check;
  private final ProbeContext ctx;
  private final List<Request> steps;
  private final HttpOptions options;
  private final HttpTransport transport;
  private final Promise<ProbeOutcome> promise = Promise.promise();
  private final long startNanos;
  private final Map<String, String> vars;
  private final RequestRenderer renderer;
  private final CookieJar cookies = new CookieJar();
  private final JsonArray hops = new JsonArray();

  /** The URLs the current step requested, to tell a loop from a long chain. */
  private final Set<String> visited = new HashSet<>();

  private int hopsOmitted;
  private final JsonArray stepTimings = new JsonArray();
  private ProbeTimer timer;
  private HttpTransport.Exchange inFlight;
  private String currentStep = "";

  /** The secrets the current step uses, read before it is rendered. */
  private SecretRenderer.Values stepSecrets = SecretRenderer.Values.NONE;

  /** Whether the current step's timing is in {@link #stepTimings} already. */
  private boolean currentStepTimed;

  private String currentUrl = "";
  private long stepStartNanos;

  /** The request in flight (or the last one): its phases and resolved addresses. */
  private Map<String, Double> hopPhases = new LinkedHashMap<>();

  private List<InetSocketAddress> hopAddresses;
  private boolean done;

  JourneyRunner(Check check, ProbeContext ctx, List<Request> steps, HttpOptions options) {
    this.check = check;
    this.ctx = ctx;
    this.steps = steps;
    this.options = options;
    this.transport =
        ctx.clients().transport(options.keepAlive(), options.insecure(), options.caFile());
    this.startNanos = ctx.time().monotonicNanos();
    this.vars = new HashMap<>(ctx.vars());
    this.renderer = new RequestRenderer(vars);
  }

  Future<ProbeOutcome> start() {
    timer =
        ProbeTimer.arm(
            ctx, check, () -> fail(FailureKind.TIMEOUT, timeoutMessage(), null, null, null));
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
    currentStepTimed = false;
    visited.clear();
    // Until the step's first request goes out, nothing of the previous step's is current.
    currentUrl = "";
    hopPhases = new LinkedHashMap<>();
    hopAddresses = null;
    stepStartNanos = ctx.time().monotonicNanos();
    // Secrets first: reading a ${file:...} one blocks, so it happens on a worker thread.
    ctx.readSecrets(step.templates())
        .onComplete(
            read -> {
              if (done) {
                return;
              }
              if (read.failed()) {
                fail(FailureKind.INTERNAL, read.cause().getMessage(), null, null, null);
                return;
              }
              try {
                stepSecrets = read.result();
                stepStartNanos = ctx.time().monotonicNanos();
                sendStep(index, step);
              } catch (RuntimeException e) {
                internal(e);
              }
            });
  }

  /** Renders a step with its secrets read and sends its first request. */
  private void sendStep(int index, Request step) {
    RequestRenderer.Rendered request;
    try {
      request = renderer.render(step, stepSecrets);
    } catch (SecretRef.UnresolvedSecret | IllegalStateException e) {
      fail(FailureKind.INTERNAL, e.getMessage(), null, null, null);
      return;
    }
    send(
        index,
        step,
        step.method(),
        request.url(),
        request.headers(),
        request.body(),
        0,
        request.url());
  }

  /**
   * Sends one request of a step: its first, or a redirect's.
   *
   * @param headers the step's headers, without the cookie jar's
   * @param redirects how many redirects of this step led here
   * @param stepUrl the step's own URL, whose origin credentials stay with
   */
  private void send(
      int index,
      Request step,
      String method,
      String url,
      MultiMap headers,
      Buffer body,
      int redirects,
      String stepUrl) {
    currentUrl = url;
    hopPhases = new LinkedHashMap<>();
    hopAddresses = null;
    URI uri;
    try {
      uri = Redirects.parse(url);
    } catch (IllegalArgumentException e) {
      fail(
          FailureKind.PROTOCOL,
          (redirects > 0 ? "redirected to an invalid URL " : "invalid URL ")
              + redact(url)
              + ": "
              + e.getMessage(),
          null,
          null,
          null);
      return;
    }
    visited.add(uri.toString());
    MultiMap sent = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    if (!sent.contains(HttpHeaders.COOKIE)) {
      String cookie = cookies.header(uri);
      if (cookie != null) {
        sent.set(HttpHeaders.COOKIE, cookie);
      }
    }
    Hop hop = new Hop(index, step, method, uri, headers, body, redirects, stepUrl);
    inFlight =
        transport.exchange(
            new HttpTransport.Request(method, uri, sent, body, options.maxBodyBytes()), hop);
  }

  /** What the transport reports about one request (a step, or one of its redirects). */
  private final class Hop implements HttpTransport.Listener {
    private final int index;
    private final Request step;
    private final String method;
    private final URI url;
    private final MultiMap requestHeaders;
    private final Buffer requestBody;
    private final int redirects;
    private final String stepUrl;
    private final long hopStartNanos = ctx.time().monotonicNanos();
    private int status;
    private MultiMap headers;

    Hop(
        int index,
        Request step,
        String method,
        URI url,
        MultiMap requestHeaders,
        Buffer requestBody,
        int redirects,
        String stepUrl) {
      this.index = index;
      this.step = step;
      this.method = method;
      this.url = url;
      this.requestHeaders = requestHeaders;
      this.requestBody = requestBody;
      this.redirects = redirects;
      this.stepUrl = stepUrl;
    }

    @Override
    public void onPhase(String phase) {
      if (!done) {
        hopPhases.put(phase, Attempt.round(millisSince(hopStartNanos)));
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
        cookies.store(url, headers.getAll(HttpHeaders.SET_COOKIE), ctx.time().now());
        String location = headers.get(HttpHeaders.LOCATION);
        if (options.followRedirects() && Redirects.isRedirect(status) && location != null) {
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
      URI next;
      try {
        next = Redirects.resolve(url, location);
      } catch (IllegalArgumentException e) {
        hop(step.name(), status, location);
        fail(
            FailureKind.PROTOCOL,
            "redirected (" + status + ") to an invalid location " + redact(location),
            status,
            headers,
            null);
        return;
      }
      hop(step.name(), status, next.toString());
      if (redirects >= options.maxRedirects()) {
        fail(FailureKind.REDIRECT_LOOP, tooManyRedirects(next), status, headers, null);
        return;
      }
      boolean toGet = Redirects.turnsIntoGet(status, method);
      MultiMap nextHeaders = MultiMap.caseInsensitiveMultiMap().addAll(requestHeaders);
      if (toGet) {
        Redirects.BODY_HEADERS.forEach(nextHeaders::remove);
      }
      if (!Redirects.sameOrigin(URI.create(stepUrl), next)) {
        Redirects.CREDENTIAL_HEADERS.forEach(nextHeaders::remove);
      }
      send(
          index,
          step,
          toGet ? "GET" : method,
          next.toString(),
          nextHeaders,
          toGet ? null : requestBody,
          redirects + 1,
          stepUrl);
    }

    /** Why one more redirect is refused, with whether the step went round in a circle. */
    private String tooManyRedirects(URI next) {
      String where = redact(next.toString());
      if (options.maxRedirects() == 0) {
        return "redirected ("
            + status
            + ") to "
            + where
            + ", but max-redirects is 0; raise it, or set follow-redirects: false to judge the"
            + " redirect itself";
      }
      boolean loop = visited.contains(next.toString());
      return (loop ? "redirect loop: " : "too many redirects: ")
          + "still redirected ("
          + status
          + " to "
          + where
          + (loop ? ", a URL already visited" : "")
          + ") after "
          + redirects
          + " redirects, the most max-redirects ("
          + options.maxRedirects()
          + ") allows; the hops are in the diagnostics";
    }

    @Override
    public void onBody(Buffer body) {
      if (done) {
        return;
      }
      inFlight = null;
      try {
        double stepMillis = millisSince(stepStartNanos);
        stepTimings.add(stepTiming(step.name(), status, stepMillis));
        currentStepTimed = true;
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
      URI uri = url;
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
          // The pooled transport reports every failure in this phase, connecting included.
          message =
              (options.keepAlive()
                      ? "the request to " + target + " failed: "
                      : "reading the response from " + target + " failed: ")
                  + Failures.describe(error);
        }
      }
      fail(kind, message, null, null, null);
    }
  }

  /** What the request in flight had reached when the check's timeout fired. */
  private String timeoutMessage() {
    String within = " within " + Attempt.format(check.timeout());
    URI uri;
    try {
      uri = Redirects.parse(currentUrl);
    } catch (IllegalArgumentException e) {
      return "no complete response" + within;
    }
    String target = redact(uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    if (hopPhases.containsKey(HttpTransport.FIRST_BYTE)) {
      return target + " sent the status and headers, but not the whole body" + within;
    }
    if (options.keepAlive()) {
      return "no response from " + target + within; // pooled: no dns, connect or tls phase
    }
    if (hopPhases.containsKey(HttpTransport.TLS)
        || (!https && hopPhases.containsKey(HttpTransport.CONNECT))) {
      return "connected to " + target + ", but no response came" + within;
    }
    if (hopPhases.containsKey(HttpTransport.CONNECT)) {
      return "connected to " + target + ", but the TLS handshake did not complete" + within;
    }
    if (hopPhases.containsKey(HttpTransport.DNS)) {
      return "could not connect to " + target + within;
    }
    return "could not resolve " + redact(uri.getHost()) + within;
  }

  private JsonObject stepTiming(String step, Integer status, double stepMillis) {
    JsonObject phases = new JsonObject();
    hopPhases.forEach(phases::put);
    phases.put("total", Attempt.round(stepMillis));
    JsonObject timing = new JsonObject().put("step", step);
    if (status != null) {
      timing.put("status", status);
    }
    return timing.put("phasesMillis", phases);
  }

  /** Lists one redirect that a step met; the location is absolute, redacted and bounded. */
  private void hop(String step, int status, String location) {
    if (hops.size() >= HttpProbe.MAX_HOPS) {
      hopsOmitted++;
      return;
    }
    String shown = redact(location);
    if (shown.length() > HttpProbe.MAX_LOCATION_CHARS) {
      shown = shown.substring(0, HttpProbe.MAX_LOCATION_CHARS) + "...";
    }
    hops.add(new JsonObject().put("step", step).put("status", status).put("location", shown));
  }

  /** The redirects met, for the diagnostics; null when there were none. */
  private void putHops(JsonObject diagnostics) {
    if (!hops.isEmpty()) {
      diagnostics.put("hops", hops.copy());
    }
    if (hopsOmitted > 0) {
      diagnostics.put("hopsOmitted", hopsOmitted);
    }
  }

  private void checkStep(
      int index, Request step, MultiMap headers, int status, Buffer received, Duration latency) {
    StepJudge.Judgement judgement =
        StepJudge.judge(step, status, headers, received.toString(StandardCharsets.UTF_8), latency);
    if (!judgement.ok()) {
      fail(judgement.kind(), judgement.message(), status, headers, received);
      return;
    }
    vars.putAll(judgement.extracted());
    runStep(index + 1);
  }

  private void succeed() {
    if (done) {
      return;
    }
    done = true;
    cancelTimer();
    JsonObject diagnostics = null;
    if (!hops.isEmpty()) {
      diagnostics = new JsonObject();
      putHops(diagnostics);
    }
    promise.complete(new ProbeOutcome(null, elapsedMillis(), phases(), diagnostics));
  }

  private Map<String, Double> phases() {
    Map<String, Double> phases = new LinkedHashMap<>(hopPhases);
    phases.put("total", Attempt.round(millisSince(startNanos)));
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
      int n = Math.min(body.length(), HttpProbe.DIAGNOSTIC_BODY_BYTES);
      diagnostics.put("body", redact(body.getString(0, n, "UTF-8")));
      diagnostics.put("bodyBytes", body.length());
    }
    JsonArray timings = stepTimings.copy();
    if (!currentStep.isEmpty() && !currentStepTimed) {
      timings.add(stepTiming(currentStep, status, millisSince(stepStartNanos)));
    }
    diagnostics.put("steps", timings);
    putHops(diagnostics);
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
    if (timer != null) {
      timer.cancel();
    }
  }

  private long elapsedMillis() {
    return (ctx.time().monotonicNanos() - startNanos) / 1_000_000;
  }

  private double millisSince(long nanos) {
    return (ctx.time().monotonicNanos() - nanos) / 1_000_000.0;
  }

  /** Replaces every secret value used in this run by a marker. */
  private String redact(String text) {
    return renderer.redact(text);
  }
}
