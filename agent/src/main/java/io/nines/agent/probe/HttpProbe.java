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
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
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
 * past it. One timer bounds the whole check: when it fires, the request in flight is reset and the
 * result is {@code TIMEOUT}.
 *
 * <p>When no assertion of a step looks at {@code status}, the step requires a status below 400.
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
    private final HttpClientAgent client;
    private final Promise<ProbeOutcome> promise = Promise.promise();
    private final long startNanos;
    private final Map<String, String> vars;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private final Set<String> secretValues = new LinkedHashSet<>();
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private final JsonArray stepTimings = new JsonArray();
    private long timerId = -1;
    private HttpClientRequest inFlight;
    private String currentStep = "";
    private String currentUrl = "";
    private boolean done;

    Run(Check check, ProbeContext ctx, List<Request> steps, HttpOptions options) {
      this.check = check;
      this.ctx = ctx;
      this.steps = steps;
      this.options = options;
      this.client = ctx.clients().get(options.keepAlive(), options.insecure(), options.caFile());
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
      send(index, step, HttpMethod.valueOf(step.method()), url, headers, body, 0);
    }

    private void send(
        int index,
        Request step,
        HttpMethod method,
        String url,
        MultiMap headers,
        Buffer body,
        int redirects) {
      currentUrl = url;
      RequestOptions requestOptions;
      try {
        requestOptions =
            new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(url)
                .setHeaders(headers)
                .setFollowRedirects(false);
      } catch (RuntimeException e) {
        fail(
            FailureKind.PROTOCOL,
            "invalid URL " + redact(url) + ": " + e.getMessage(),
            null,
            null,
            null);
        return;
      }
      long stepStart = ctx.time().monotonicNanos();
      client
          .request(requestOptions)
          .compose(
              request -> {
                if (done) {
                  request.reset();
                  return Future.failedFuture("finished");
                }
                inFlight = request;
                return body == null ? request.send() : request.send(body);
              })
          .onComplete(
              ar -> {
                if (done) {
                  if (ar.succeeded()) {
                    ar.result().request().reset();
                  }
                  return;
                }
                if (ar.failed()) {
                  Throwable error = ar.cause();
                  FailureKind kind = Failures.classify(error);
                  if (kind == FailureKind.INTERNAL) {
                    LOG.log(Level.WARNING, "probe " + check.id() + " failed unexpectedly", error);
                  }
                  fail(kind, Failures.describe(error), null, null, null);
                  return;
                }
                HttpClientResponse response = ar.result();
                double firstByteMillis = millisSince(stepStart);
                onResponse(
                    index,
                    step,
                    method,
                    url,
                    headers,
                    body,
                    redirects,
                    response,
                    stepStart,
                    firstByteMillis);
              });
    }

    private void onResponse(
        int index,
        Request step,
        HttpMethod method,
        String url,
        MultiMap headers,
        Buffer requestBody,
        int redirects,
        HttpClientResponse response,
        long stepStart,
        double firstByteMillis) {
      rememberCookies(response);
      int status = response.statusCode();
      String location = response.getHeader(HttpHeaders.LOCATION);
      if (status >= 300 && status < 400 && location != null && !mentionsStatus(step)) {
        response.request().reset();
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
              response.headers(),
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
              response.headers(),
              null);
          return;
        }
        boolean keepMethod = status == 307 || status == 308;
        send(
            index,
            step,
            keepMethod ? method : HttpMethod.GET,
            next,
            headers,
            keepMethod ? requestBody : null,
            redirects + 1);
        return;
      }
      Buffer received = Buffer.buffer();
      long cap = options.maxBodyBytes();
      response.exceptionHandler(
          error -> {
            if (!done) {
              fail(
                  Failures.classify(error),
                  Failures.describe(error),
                  status,
                  response.headers(),
                  received);
            }
          });
      response.handler(
          chunk -> {
            if (done) {
              return;
            }
            if ((long) received.length() + chunk.length() > cap) {
              received.appendBuffer(chunk, 0, (int) Math.max(0, cap - received.length()));
              // fail() first: resetting the request fires the exception handler at once.
              fail(
                  FailureKind.BODY_TOO_LARGE,
                  "the body is larger than the cap of " + cap + " bytes",
                  status,
                  response.headers(),
                  received);
              response.request().reset();
              return;
            }
            received.appendBuffer(chunk);
          });
      response.endHandler(
          v -> {
            if (done) {
              return;
            }
            inFlight = null;
            double totalMillis = millisSince(stepStart);
            stepTimings.add(
                new JsonObject()
                    .put("step", step.name())
                    .put("status", status)
                    .put("firstByteMillis", round(firstByteMillis))
                    .put("totalMillis", round(totalMillis)));
            phases.put("firstByte", round(firstByteMillis));
            Duration latency = Duration.ofNanos((long) (totalMillis * 1_000_000));
            checkStep(index, step, response, status, received, latency);
          });
    }

    private void checkStep(
        int index,
        Request step,
        HttpClientResponse response,
        int status,
        Buffer received,
        Duration latency) {
      String text = received.toString(StandardCharsets.UTF_8);
      Observation observation = new HttpObservation(status, latency, response.headers(), text);
      if (!mentionsStatus(step) && status >= 400) {
        fail(
            FailureKind.HTTP_STATUS,
            "status was " + status + " but it must be below 400 (no assertion names the status)",
            status,
            response.headers(),
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
          fail(kind, verdict.message(), status, response.headers(), received);
          return;
        }
      }
      for (Request.Extraction extraction : step.extract()) {
        String value = extract(extraction, response.headers(), text);
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
              response.headers(),
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
      long total = elapsedMillis();
      phases.put("total", (double) total);
      promise.complete(new ProbeOutcome(null, total, phases, null));
    }

    private void fail(
        FailureKind kind, String message, Integer status, MultiMap headers, Buffer body) {
      if (done) {
        return;
      }
      done = true;
      cancelTimer();
      if (inFlight != null) {
        inFlight.reset();
        inFlight = null;
      }
      long total = elapsedMillis();
      phases.put("total", (double) total);
      JsonObject diagnostics =
          new JsonObject().put("step", currentStep).put("url", redact(currentUrl));
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
      diagnostics.put("steps", stepTimings.copy());
      promise.complete(
          new ProbeOutcome(
              new Failure(kind, currentStep, redact(message)), total, phases, diagnostics));
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

    private void rememberCookies(HttpClientResponse response) {
      for (String setCookie : response.cookies()) {
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

    @Override
    public Long certDays() {
      return null;
    }

    @Override
    public List<String> dnsAnswers() {
      return null;
    }

    @Override
    public String dnsRcode() {
      return null;
    }
  }
}
