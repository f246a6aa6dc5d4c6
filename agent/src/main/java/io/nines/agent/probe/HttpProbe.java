package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Redaction;
import io.nines.config.Request;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * <p>Redirects are followed as browsers and {@code curl -L} follow them, by the probe itself so
 * that every hop is seen: a 301, 302, 303, 307 or 308 with a {@code Location} leads to the next
 * request, and the step's assertions judge the final response. A 303 turns any method but {@code
 * HEAD} into {@code GET}, and a 301 or 302 turns {@code POST} into {@code GET}, without the body
 * (the Fetch standard's rules); 307 and 308 repeat the request as it was. A redirect to another
 * origin (scheme, host, port) than the step's URL does not carry the step's {@code Authorization},
 * {@code Proxy-Authorization} or {@code Cookie} headers, as curl does not. One redirect more than
 * {@code max-redirects} in a step is {@code REDIRECT_LOOP}. With {@code follow-redirects: false}
 * the step judges the 3xx itself. Every redirect (status and location) is listed in the result's
 * diagnostics as {@code hops}, also when the check passed; at most {@value #MAX_HOPS} are kept.
 *
 * <p>Cookies live in a {@link CookieJar} for the run: those set by any response, a redirect
 * included, are sent on the following requests that they apply to (the next hop, later steps),
 * unless the step sets a {@code Cookie} header itself.
 *
 * <p>The body is read up to the cap and the connection is dropped past it. One timer bounds the
 * whole check: when it fires, the request in flight is dropped and the result is {@code TIMEOUT}.
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

  /** How many redirects one result lists, over all of its steps. */
  static final int MAX_HOPS = 50;

  /** The longest redirect location a result shows, in characters. */
  static final int MAX_LOCATION_CHARS = 512;

  private static final String REDACTED = "[redacted]";

  /** Request headers that do not follow a redirect to another origin. */
  private static final List<String> CREDENTIAL_HEADERS =
      List.of("Authorization", "Proxy-Authorization", "Cookie");

  /** Request headers that describe the body, dropped with it when a redirect turns into a GET. */
  private static final List<String> BODY_HEADERS =
      List.of(
          "Content-Type",
          "Content-Length",
          "Content-Encoding",
          "Content-Language",
          "Content-Location");

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
      return Dispatch.refuse(this, check);
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
    private final CookieJar cookies = new CookieJar();
    private final JsonArray hops = new JsonArray();

    /** The URLs the current step requested, to tell a loop from a long chain. */
    private final Set<String> visited = new HashSet<>();

    private int hopsOmitted;
    private final Redaction redaction = new Redaction(REDACTED);
    private final JsonArray stepTimings = new JsonArray();
    private long timerId = -1;
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
                    fail(FailureKind.TIMEOUT, timeoutMessage(), null, null, null);
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
      send(index, step, step.method(), url, headers, body, 0, url);
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
        uri = parse(url);
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
          cookies.store(url, headers.getAll(HttpHeaders.SET_COOKIE), ctx.time().now());
          String location = headers.get(HttpHeaders.LOCATION);
          if (options.followRedirects() && isRedirect(status) && location != null) {
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
          next = resolve(url, location);
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
        // The Fetch standard's rules, which browsers follow.
        boolean toGet =
            (status == 303 && !method.equals("GET") && !method.equals("HEAD"))
                || ((status == 301 || status == 302) && method.equals("POST"));
        MultiMap nextHeaders = MultiMap.caseInsensitiveMultiMap().addAll(requestHeaders);
        if (toGet) {
          BODY_HEADERS.forEach(nextHeaders::remove);
        }
        if (!sameOrigin(URI.create(stepUrl), next)) {
          CREDENTIAL_HEADERS.forEach(nextHeaders::remove);
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
      String within = " within " + format(check.timeout());
      URI uri;
      try {
        uri = parse(currentUrl);
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
      phases.put("total", round(stepMillis));
      JsonObject timing = new JsonObject().put("step", step);
      if (status != null) {
        timing.put("status", status);
      }
      return timing.put("phasesMillis", phases);
    }

    /** Lists one redirect that a step met; the location is absolute, redacted and bounded. */
    private void hop(String step, int status, String location) {
      if (hops.size() >= MAX_HOPS) {
        hopsOmitted++;
        return;
      }
      String shown = redact(location);
      if (shown.length() > MAX_LOCATION_CHARS) {
        shown = shown.substring(0, MAX_LOCATION_CHARS) + "...";
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
      JsonObject diagnostics = null;
      if (!hops.isEmpty()) {
        diagnostics = new JsonObject();
        putHops(diagnostics);
      }
      promise.complete(new ProbeOutcome(null, elapsedMillis(), phases(), diagnostics));
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
      return stepSecrets.render(template, vars::get, redaction);
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

    /** Replaces every secret value used in this run by a marker. */
    private String redact(String text) {
      return redaction.apply(text);
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

  /** The statuses browsers follow when they carry a {@code Location}. */
  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * The absolute URL a {@code Location} points to, from the request it answered.
   *
   * @throws IllegalArgumentException when the location is not a URI reference
   */
  static URI resolve(URI base, String location) {
    URI from = base;
    if (from.getRawPath() == null || from.getRawPath().isEmpty()) {
      // URI.resolve would glue a relative path to the authority: give the base its "/".
      from = URI.create(from.toString().replaceFirst("(//[^/?#]*)", "$1/"));
    }
    return from.resolve(lenientUri(location.trim()));
  }

  /**
   * A URI reference as browsers read a {@code Location}: spaces and non-ASCII characters, which
   * servers do send, are percent-encoded (UTF-8) first.
   */
  private static URI lenientUri(String text) {
    StringBuilder encoded = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^'
          || c == '`' || c == '{' || c == '|' || c == '}') {
        encoded.append('%').append(String.format("%02X", c));
      } else {
        encoded.append((char) c);
      }
    }
    try {
      return new URI(encoded.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Whether two URLs share scheme, host and port (the port a scheme implies included). */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0
        ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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
