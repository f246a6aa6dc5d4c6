package io.nines.agent.browser;

import io.nines.agent.probe.ProbeContext;
import io.nines.agent.probe.ProbeOutcome;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.config.BrowserStep;
import io.nines.config.CheckSpec;
import io.nines.config.Redaction;
import io.nines.config.SecretRenderer;
import io.nines.config.Template;
import io.nines.config.assertion.Evaluator;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Subject;
import io.nines.config.assertion.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One walk of a browser check's steps in one page of a fresh Chromium, over the DevTools protocol.
 * It records each step's duration, the page's navigation timing and Web Vitals, failed requests and
 * console errors, and on failure the failing step, what was found instead, and a screenshot (fields
 * filled from secrets and password fields blanked first).
 *
 * <p>Threads: created and run on one Vert.x context (the probe's); every DevTools answer and event
 * arrives on it. It never blocks. The run's own deadline is enforced by its caller, which closes
 * the browser; steps stop at their own deadlines.
 */
final class BrowserRun {
  /** The largest screenshot kept, as base64 text. */
  static final int MAX_SCREENSHOT_BASE64_CHARS = 512 * 1024;

  /** How many screenshot steps' images a result keeps. */
  static final int MAX_STEP_SCREENSHOTS = 2;

  /** How many console errors and failed requests a result lists. */
  static final int MAX_LISTED = 20;

  /** The longest console message kept, in characters. */
  static final int MAX_MESSAGE_CHARS = 500;

  private static final long POLL_MILLIS = 100;

  private final CheckSpec.Browser spec;
  private final ProbeContext ctx;
  private final CdpClient cdp;
  private final SecretRenderer.Values secrets;
  private final long startNanos;
  private final long runDeadlineNanos;
  private final Redaction redaction = new Redaction("[redacted]");
  private final Map<String, String> vars;
  private final JsonArray stepTimes = new JsonArray();
  private final List<String> consoleErrors = new ArrayList<>();
  private final JsonArray failedRequests = new JsonArray();
  private final Map<String, String> requestUrls = new LinkedHashMap<>();
  private final Map<String, JsonObject> documents = new HashMap<>();
  private final JsonArray screenshots = new JsonArray();
  private int consoleErrorCount;
  private int failedRequestCount;
  private int loads;
  private Double maxInp;
  private JsonObject metrics = new JsonObject();
  private String session;

  BrowserRun(
      CheckSpec.Browser spec,
      ProbeContext ctx,
      CdpClient cdp,
      SecretRenderer.Values secrets,
      long startNanos,
      long runDeadlineNanos) {
    this.spec = spec;
    this.ctx = ctx;
    this.cdp = cdp;
    this.secrets = secrets;
    this.startNanos = startNanos;
    this.runDeadlineNanos = runDeadlineNanos;
    this.vars = new HashMap<>(ctx.vars());
  }

  /** Why a step failed. */
  private record StepFailure(FailureKind kind, String message, String selector, JsonObject found) {}

  /** Runs every step, then the run's assertions; the future never fails. */
  Future<ProbeOutcome> run() {
    return open()
        .compose(v -> steps(0))
        .recover(
            e ->
                Future.succeededFuture(
                    new Indexed(
                        -1, new StepFailure(FailureKind.INTERNAL, browserError(e), null, null))))
        .compose(this::finish);
  }

  private record Indexed(int index, StepFailure failure) {}

  private Future<Void> open() {
    cdp.on(
        "Runtime.consoleAPICalled",
        p -> {
          if ("error".equals(p.getString("type"))) {
            List<String> parts = new ArrayList<>();
            for (Object o : p.getJsonArray("args", new JsonArray())) {
              JsonObject arg = (JsonObject) o;
              Object value = arg.getValue("value");
              parts.add(value != null ? String.valueOf(value) : arg.getString("description", ""));
            }
            consoleError(String.join(" ", parts));
          }
        });
    cdp.on(
        "Runtime.exceptionThrown",
        p -> {
          JsonObject d = p.getJsonObject("exceptionDetails", new JsonObject());
          JsonObject ex = d.getJsonObject("exception");
          String text = ex == null ? null : ex.getString("description");
          consoleError("Uncaught " + (text == null ? d.getString("text", "exception") : text));
        });
    cdp.on(
        "Network.requestWillBeSent",
        p -> {
          if (requestUrls.size() < 10_000) {
            requestUrls.put(
                p.getString("requestId", ""),
                p.getJsonObject("request", new JsonObject()).getString("url", ""));
          }
        });
    cdp.on(
        "Network.responseReceived",
        p -> {
          JsonObject r = p.getJsonObject("response", new JsonObject());
          int status = r.getInteger("status", 0);
          if ("Document".equals(p.getString("type")) && p.getString("loaderId") != null) {
            documents.put(
                p.getString("loaderId"),
                new JsonObject()
                    .put("status", status)
                    .put("statusText", r.getString("statusText", "")));
          }
          if (status >= 400) {
            failedRequest(
                new JsonObject().put("url", r.getString("url", "")).put("status", status));
          }
        });
    cdp.on(
        "Network.loadingFailed",
        p -> {
          if (Boolean.TRUE.equals(p.getBoolean("canceled"))) {
            return;
          }
          failedRequest(
              new JsonObject()
                  .put("url", requestUrls.getOrDefault(p.getString("requestId", ""), ""))
                  .put("error", p.getString("errorText", "failed")));
        });
    cdp.on("Page.loadEventFired", p -> loads++);
    return cdp.send("Target.createTarget", new JsonObject().put("url", "about:blank"))
        .compose(
            t ->
                cdp.send(
                    "Target.attachToTarget",
                    new JsonObject().put("targetId", t.getString("targetId")).put("flatten", true)))
        .compose(
            a -> {
              session = a.getString("sessionId");
              return Future.all(
                  List.of(
                      page("Page.enable", null),
                      page("Runtime.enable", null),
                      page("Network.enable", null),
                      page(
                          "Emulation.setDeviceMetricsOverride",
                          new JsonObject()
                              .put("width", spec.viewportWidth())
                              .put("height", spec.viewportHeight())
                              .put("deviceScaleFactor", 1)
                              .put("mobile", false)),
                      page(
                          "Page.addScriptToEvaluateOnNewDocument",
                          new JsonObject().put("source", PageScripts.VITALS))));
            })
        .mapEmpty();
  }

  private Future<JsonObject> page(String method, JsonObject params) {
    return cdp.send(session, method, params);
  }

  private void consoleError(String text) {
    consoleErrorCount++;
    if (consoleErrors.size() < MAX_LISTED) {
      consoleErrors.add(shorten(text, MAX_MESSAGE_CHARS));
    }
  }

  private void failedRequest(JsonObject r) {
    // The browser asks for /favicon.ico on its own; a site without one has no failed request.
    if (r.getString("url", "").endsWith("/favicon.ico")) {
      return;
    }
    failedRequestCount++;
    if (failedRequests.size() < MAX_LISTED) {
      r.put("url", shorten(r.getString("url"), MAX_MESSAGE_CHARS));
      failedRequests.add(r);
    }
  }

  private Future<Indexed> steps(int i) {
    if (i >= spec.steps().size()) {
      return Future.succeededFuture(null);
    }
    BrowserStep step = spec.steps().get(i);
    long stepStart = ctx.time().monotonicNanos();
    Duration timeout = step.timeout() != null ? step.timeout() : spec.stepTimeout();
    long deadline = Math.min(stepStart + timeout.toNanos(), runDeadlineNanos);
    Future<StepFailure> done;
    try {
      done = step(step, deadline, timeout);
    } catch (RuntimeException e) {
      done =
          Future.succeededFuture(new StepFailure(FailureKind.INTERNAL, e.getMessage(), null, null));
    }
    return done.recover(
            e ->
                Future.succeededFuture(
                    new StepFailure(FailureKind.INTERNAL, browserError(e), null, null)))
        .compose(
            stepFailure -> {
              StepFailure failure = stepFailure;
              double millis = (ctx.time().monotonicNanos() - stepStart) / 1e6;
              stepTimes.add(
                  new JsonObject()
                      .put("name", step.name())
                      .put("action", step.action())
                      .put("millis", Math.round(millis * 10) / 10.0)
                      .put("ok", failure == null));
              if (failure != null
                  && stepStart + timeout.toNanos() > runDeadlineNanos
                  && (failure.kind() == FailureKind.STEP_TIMEOUT
                      || failure.kind() == FailureKind.SELECTOR_NOT_FOUND)) {
                // The run's deadline, not the step's, cut it short.
                failure =
                    new StepFailure(
                        FailureKind.TIMEOUT,
                        "the check's timeout ran out in step '"
                            + step.name()
                            + "': "
                            + failure.message(),
                        failure.selector(),
                        failure.found());
              }
              if (failure != null) {
                return Future.succeededFuture(new Indexed(i, failure));
              }
              return steps(i + 1);
            });
  }

  private String render(Template t) {
    return secrets.render(t, vars::get, redaction);
  }

  private Future<StepFailure> step(BrowserStep step, long deadline, Duration timeout) {
    if (step instanceof BrowserStep.Goto g) {
      return navigate(render(g.url()), deadline, timeout);
    }
    if (step instanceof BrowserStep.Click c) {
      return actionable(c.selector(), deadline, timeout)
          .compose(
              r -> {
                if (r.failure != null) {
                  return Future.succeededFuture(r.failure);
                }
                double x = r.found.getDouble("x");
                double y = r.found.getDouble("y");
                return mouse("mouseMoved", x, y)
                    .compose(v -> mouse("mousePressed", x, y))
                    .compose(v -> mouse("mouseReleased", x, y))
                    .map(v -> (StepFailure) null);
              });
    }
    if (step instanceof BrowserStep.Fill f) {
      String value = render(f.value());
      boolean secret = f.value().hasSecrets();
      return focus(f.selector(), deadline, timeout, true, secret)
          .compose(
              r -> {
                if (r.failure != null) {
                  return Future.succeededFuture(r.failure);
                }
                return page("Input.insertText", new JsonObject().put("text", value))
                    .compose(
                        v ->
                            evaluate(
                                "changed",
                                new JsonObject().put("s", PageScripts.selector(f.selector()))))
                    .map(v -> (StepFailure) null);
              });
    }
    if (step instanceof BrowserStep.Select s) {
      String value = render(s.value());
      JsonObject args =
          new JsonObject().put("s", PageScripts.selector(s.selector())).put("v", value);
      return poll(
              deadline,
              () -> evaluate("select", args),
              r -> r != null && r.getBoolean("visible", false))
          .map(
              r -> {
                if (r == null || !r.getBoolean("visible", false)) {
                  return notFound(s.selector(), r, timeout);
                }
                if (r.getBoolean("notSelect", false)) {
                  return new StepFailure(
                      FailureKind.SELECTOR_NOT_FOUND,
                      "'" + s.selector() + "' is " + r.getString("element") + ", not a <select>",
                      s.selector().source(),
                      r);
                }
                if (r.getString("selected") == null) {
                  return new StepFailure(
                      FailureKind.SELECTOR_NOT_FOUND,
                      "'"
                          + s.selector()
                          + "' has no option with the value or label '"
                          + value
                          + "' (values: "
                          + r.getJsonArray("options", new JsonArray()).encode()
                          + ")",
                      s.selector().source(),
                      r);
                }
                return null;
              });
    }
    if (step instanceof BrowserStep.Press p) {
      Future<StepFailure> focused =
          p.selector() == null
              ? Future.succeededFuture(null)
              : focus(p.selector(), deadline, timeout, false, false).map(r -> r.failure);
      return focused.compose(f -> f != null ? Future.succeededFuture(f) : key(p.key()));
    }
    if (step instanceof BrowserStep.WaitFor w) {
      return condition(w.condition(), deadline, timeout, FailureKind.STEP_TIMEOUT);
    }
    if (step instanceof BrowserStep.Expect e) {
      return condition(e.condition(), deadline, timeout, FailureKind.ASSERTION);
    }
    if (step instanceof BrowserStep.Extract x) {
      JsonObject args =
          new JsonObject().put("s", PageScripts.selector(x.from())).put("attr", x.attribute());
      return poll(
              deadline,
              () -> evaluate("read", args),
              r -> r != null && r.getInteger("count", 0) > 0)
          .map(
              r -> {
                if (r == null || r.getInteger("count", 0) == 0) {
                  return notFound(x.from(), r, timeout);
                }
                Object value = r.getValue("value");
                if (value == null) {
                  return new StepFailure(
                      FailureKind.ASSERTION,
                      r.getString("element")
                          + " matched by '"
                          + x.from()
                          + "' has no attribute '"
                          + x.attribute()
                          + "'",
                      x.from().source(),
                      r);
                }
                vars.put(x.into(), String.valueOf(value));
                return null;
              });
    }
    BrowserStep.Screenshot shot = (BrowserStep.Screenshot) step;
    return screenshot()
        .map(
            s -> {
              if (screenshots.size() < MAX_STEP_SCREENSHOTS) {
                screenshots.add(s.put("label", shot.label()).put("step", shot.name()));
              } else {
                screenshots.add(
                    new JsonObject()
                        .put("label", shot.label())
                        .put("step", shot.name())
                        .put(
                            "omitted",
                            "at most "
                                + MAX_STEP_SCREENSHOTS
                                + " screenshot steps keep their image"));
              }
              return null;
            });
  }

  private Future<StepFailure> navigate(String url, long deadline, Duration timeout) {
    int loadsBefore = loads;
    return collectMetrics()
        .compose(v -> page("Page.navigate", new JsonObject().put("url", url)))
        .compose(
            nav -> {
              String error = nav.getString("errorText");
              if (error != null && !error.isEmpty()) {
                return Future.succeededFuture(
                    new StepFailure(
                        FailureKind.NAVIGATION_FAILED,
                        "goto " + url + " failed: " + error,
                        null,
                        null));
              }
              String loader = nav.getString("loaderId");
              return poll(deadline, () -> Future.succeededFuture(loads > loadsBefore), b -> b)
                  .map(
                      loaded -> {
                        JsonObject doc = loader == null ? null : documents.get(loader);
                        if (doc != null && doc.getInteger("status", 0) >= 400) {
                          return new StepFailure(
                              FailureKind.NAVIGATION_FAILED,
                              "goto "
                                  + url
                                  + " answered "
                                  + doc.getInteger("status")
                                  + (doc.getString("statusText", "").isEmpty()
                                      ? ""
                                      : " " + doc.getString("statusText")),
                              null,
                              doc);
                        }
                        if (!Boolean.TRUE.equals(loaded)) {
                          return new StepFailure(
                              FailureKind.STEP_TIMEOUT,
                              "goto "
                                  + url
                                  + ": the page did not finish loading (no load event) within "
                                  + format(timeout),
                              null,
                              null);
                        }
                        return null;
                      });
            });
  }

  private record Located(JsonObject found, StepFailure failure) {}

  /** Waits for the selector's element to be visible (and enabled when {@code enabled}). */
  private Future<Located> located(
      BrowserStep.Selector s, long deadline, Duration timeout, boolean enabled) {
    JsonObject args = new JsonObject().put("s", PageScripts.selector(s)).put("scroll", true);
    return poll(
            deadline,
            () -> evaluate("locate", args),
            r ->
                r != null
                    && (r.getString("error") != null
                        || (r.getBoolean("visible", false)
                            && !(enabled && r.getBoolean("disabled", false)))))
        .map(r -> ready(s, r, timeout, enabled));
  }

  /**
   * Waits until the selector's element can take a click as a person would give it: visible,
   * enabled, the page loaded (a stylesheet that arrives late moves what was drawn first), held
   * still between two looks, and not covered at its center by another element. A click on an
   * element that is still moving lands wherever it was a moment ago.
   */
  private Future<Located> actionable(BrowserStep.Selector s, long deadline, Duration timeout) {
    JsonObject args = new JsonObject().put("s", PageScripts.selector(s)).put("scroll", true);
    return poll(
            deadline,
            () -> evaluate("locate", args),
            r ->
                r != null
                    && (r.getString("error") != null
                        || (r.getBoolean("visible", false)
                            && !r.getBoolean("disabled", false)
                            && r.getBoolean("loaded", false)
                            && r.getBoolean("stable", false)
                            && r.getString("covered") == null)))
        .map(
            r -> {
              Located located = ready(s, r, timeout, true);
              if (located.failure != null || r.getString("error") != null) {
                return located;
              }
              if (r.getString("covered") != null) {
                return new Located(
                    r,
                    new StepFailure(
                        FailureKind.STEP_TIMEOUT,
                        r.getString("element")
                            + " matched by '"
                            + s
                            + "' stayed covered by "
                            + r.getString("covered")
                            + " for "
                            + format(timeout),
                        s.source(),
                        r));
              }
              // Ready, or still loading or moving at the deadline: then click where it is now,
              // as a person would, rather than fail a step the page may well take.
              return located;
            });
  }

  private Located ready(BrowserStep.Selector s, JsonObject r, Duration timeout, boolean enabled) {
    if (r == null || r.getString("error") != null || !r.getBoolean("visible", false)) {
      return new Located(r, notFound(s, r, timeout));
    }
    if (enabled && r.getBoolean("disabled", false)) {
      return new Located(
          r,
          new StepFailure(
              FailureKind.STEP_TIMEOUT,
              r.getString("element")
                  + " matched by '"
                  + s
                  + "' stayed disabled for "
                  + format(timeout),
              s.source(),
              r));
    }
    return new Located(r, null);
  }

  private Future<Located> focus(
      BrowserStep.Selector s, long deadline, Duration timeout, boolean clear, boolean secret) {
    JsonObject args =
        new JsonObject()
            .put("s", PageScripts.selector(s))
            .put("clear", clear)
            .put("secret", secret);
    return poll(
            deadline,
            () -> evaluate("focus", args),
            r -> r != null && (r.getString("error") != null || r.getBoolean("visible", false)))
        .map(r -> ready(s, r, timeout, false));
  }

  private StepFailure notFound(BrowserStep.Selector s, JsonObject r, Duration timeout) {
    String message;
    if (r != null && r.getString("error") != null) {
      message = "'" + s + "' is not a selector the browser accepts: " + r.getString("error");
    } else if (r == null || r.getInteger("count", 0) == 0) {
      message = "no element matches '" + s + "' after " + format(timeout);
    } else {
      int n = r.getInteger("count");
      message =
          "'"
              + s
              + "' matches "
              + n
              + (n == 1 ? " element" : " elements")
              + " ("
              + r.getString("element")
              + "), but none is visible after "
              + format(timeout);
    }
    return new StepFailure(FailureKind.SELECTOR_NOT_FOUND, message, s.source(), r);
  }

  private Future<StepFailure> condition(
      BrowserStep.Condition c, long deadline, Duration timeout, FailureKind kind) {
    JsonObject args = new JsonObject();
    String selector = null;
    if (c instanceof BrowserStep.Visible v) {
      args.put("kind", "visible").put("s", PageScripts.selector(v.selector()));
      selector = v.selector().source();
    } else if (c instanceof BrowserStep.Hidden h) {
      args.put("kind", "hidden").put("s", PageScripts.selector(h.selector()));
      selector = h.selector().source();
    } else if (c instanceof BrowserStep.TextPresent t) {
      args.put("kind", "text").put("t", render(t.text()));
      if (t.in() != null) {
        args.put("s", PageScripts.selector(t.in()));
        selector = t.in().source();
      }
    } else if (c instanceof BrowserStep.UrlContains u) {
      args.put("kind", "url").put("t", render(u.text()));
    } else {
      args.put("kind", "title").put("t", render(((BrowserStep.TitleContains) c).text()));
    }
    String sel = selector;
    return poll(deadline, () -> evaluate("cond", args), r -> r != null && r.getBoolean("ok", false))
        .map(
            r -> {
              if (r != null && r.getBoolean("ok", false)) {
                return null;
              }
              String wanted = describe(c, args);
              String verb =
                  kind == FailureKind.STEP_TIMEOUT
                      ? "waited " + format(timeout) + " for "
                      : "expected ";
              String tail = kind == FailureKind.STEP_TIMEOUT ? "" : " within " + format(timeout);
              return new StepFailure(kind, verb + wanted + tail + ", but " + seen(c, r), sel, r);
            });
  }

  private static String describe(BrowserStep.Condition c, JsonObject args) {
    if (c instanceof BrowserStep.Visible v) {
      return "'" + v.selector() + "' to be visible";
    }
    if (c instanceof BrowserStep.Hidden h) {
      return "'" + h.selector() + "' to be hidden";
    }
    if (c instanceof BrowserStep.TextPresent t) {
      return "text '"
          + args.getString("t")
          + "'"
          + (t.in() == null ? " on the page" : " in '" + t.in() + "'");
    }
    if (c instanceof BrowserStep.UrlContains) {
      return "the URL to contain '" + args.getString("t") + "'";
    }
    return "the title to contain '" + args.getString("t") + "'";
  }

  private static String seen(BrowserStep.Condition c, JsonObject r) {
    if (r == null) {
      return "the page could not be read";
    }
    JsonObject page = r.getJsonObject("page", new JsonObject());
    JsonObject found = r.getJsonObject("found");
    if (c instanceof BrowserStep.Visible || c instanceof BrowserStep.Hidden) {
      if (found == null || found.getString("error") != null) {
        return "the selector is not one the browser accepts: "
            + (found == null ? "" : found.getString("error"));
      }
      int n = found.getInteger("count", 0);
      if (n == 0) {
        return "no element matches it";
      }
      return n
          + (n == 1 ? " element matches" : " elements match")
          + " ("
          + found.getString("element")
          + ") and "
          + (found.getBoolean("visible", false) ? "one is visible" : "none is visible");
    }
    if (c instanceof BrowserStep.TextPresent t) {
      if (t.in() != null && (found == null || found.getInteger("count", 0) == 0)) {
        return "no element matches '" + t.in() + "'";
      }
      return (t.in() == null ? "the page shows: '" : "it shows: '") + r.getString("seen", "") + "'";
    }
    if (c instanceof BrowserStep.UrlContains) {
      return "the URL was " + page.getString("url");
    }
    return "the title was '" + page.getString("title") + "'";
  }

  private Future<Void> mouse(String type, double x, double y) {
    return page(
            "Input.dispatchMouseEvent",
            new JsonObject()
                .put("type", type)
                .put("x", x)
                .put("y", y)
                .put("button", "left")
                .put("buttons", type.equals("mousePressed") ? 1 : 0)
                .put("clickCount", 1))
        .mapEmpty();
  }

  private Future<StepFailure> key(String key) {
    Keys.Key k = Keys.of(key);
    JsonObject down =
        new JsonObject()
            .put("type", k.text() == null ? "rawKeyDown" : "keyDown")
            .put("key", k.key())
            .put("code", k.code())
            .put("windowsVirtualKeyCode", k.keyCode());
    if (k.text() != null) {
      down.put("text", k.text()).put("unmodifiedText", k.text());
    }
    JsonObject up =
        new JsonObject()
            .put("type", "keyUp")
            .put("key", k.key())
            .put("code", k.code())
            .put("windowsVirtualKeyCode", k.keyCode());
    return page("Input.dispatchKeyEvent", down)
        .compose(v -> page("Input.dispatchKeyEvent", up))
        .map(v -> (StepFailure) null);
  }

  /** Runs a helper in the page; the value it returned, or null when the page could not answer. */
  private Future<JsonObject> evaluate(String op, JsonObject args) {
    return page(
            "Runtime.evaluate",
            new JsonObject()
                .put("expression", PageScripts.call(op, args))
                .put("returnByValue", true))
        .map(
            r -> {
              if (r.getJsonObject("exceptionDetails") != null) {
                return null;
              }
              Object v = r.getJsonObject("result", new JsonObject()).getValue("value");
              return v instanceof JsonObject o ? o : new JsonObject().put("value", v);
            })
        // A navigation in progress destroys the context the call ran in: not yet, try again.
        .recover(e -> cdp.isClosed() ? Future.failedFuture(e) : Future.succeededFuture(null));
  }

  /**
   * Tries {@code attempt} every {@value #POLL_MILLIS} ms until {@code done} holds or the deadline
   * passes; completes with the last value seen (null when none came).
   */
  private <T> Future<T> poll(long deadline, Supplier<Future<T>> attempt, Predicate<T> done) {
    Promise<T> promise = Promise.promise();
    pollOnce(deadline, attempt, done, promise, null);
    return promise.future();
  }

  private <T> void pollOnce(
      long deadline, Supplier<Future<T>> attempt, Predicate<T> done, Promise<T> promise, T last) {
    attempt
        .get()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                promise.tryFail(ar.cause());
                return;
              }
              T value = ar.result() != null ? ar.result() : last;
              if (ar.result() != null && done.test(ar.result())) {
                promise.tryComplete(ar.result());
              } else if (ctx.time().monotonicNanos() >= deadline || cdp.isClosed()) {
                promise.tryComplete(value);
              } else {
                ctx.vertx()
                    .setTimer(POLL_MILLIS, t -> pollOnce(deadline, attempt, done, promise, value));
              }
            });
  }

  /** Reads the page's navigation timing and vitals; keeps the longest interaction over pages. */
  private Future<Void> collectMetrics() {
    if (loads == 0) {
      return Future.succeededFuture();
    }
    return evaluate("metrics", new JsonObject())
        .map(
            m -> {
              if (m != null) {
                metrics = m;
                Double inp = m.getJsonObject("vitals", new JsonObject()).getDouble("inp");
                if (inp != null && (maxInp == null || inp > maxInp)) {
                  maxInp = inp;
                }
              }
              return (Void) null;
            })
        .otherwiseEmpty();
  }

  /**
   * A PNG of the viewport with secret and password fields blanked, as {@code {png, bytes}}; at half
   * the size when too large, or {@code {omitted}} saying why.
   */
  private Future<JsonObject> screenshot() {
    return evaluate("mask", new JsonObject())
        .compose(m -> capture(null))
        .compose(
            shot -> {
              if (shot.length() <= MAX_SCREENSHOT_BASE64_CHARS) {
                return Future.succeededFuture(
                    png(shot, spec.viewportWidth(), spec.viewportHeight()));
              }
              JsonObject clip =
                  new JsonObject()
                      .put("x", 0)
                      .put("y", 0)
                      .put("width", spec.viewportWidth())
                      .put("height", spec.viewportHeight())
                      .put("scale", 0.5);
              return capture(clip)
                  .map(
                      small ->
                          small.length() <= MAX_SCREENSHOT_BASE64_CHARS
                              ? png(small, spec.viewportWidth() / 2, spec.viewportHeight() / 2)
                              : new JsonObject()
                                  .put(
                                      "omitted",
                                      "the screenshot was larger than "
                                          + MAX_SCREENSHOT_BASE64_CHARS / 1024
                                          + " KiB in base64, even at half size"));
            })
        .eventually(() -> evaluate("unmask", new JsonObject()))
        .recover(
            e ->
                Future.succeededFuture(
                    new JsonObject().put("omitted", "no screenshot: " + browserError(e))));
  }

  private Future<String> capture(JsonObject clip) {
    JsonObject params = new JsonObject().put("format", "png");
    if (clip != null) {
      params.put("clip", clip);
    }
    return page("Page.captureScreenshot", params).map(r -> r.getString("data", ""));
  }

  private static JsonObject png(String base64, int width, int height) {
    return new JsonObject()
        .put("mediaType", "image/png")
        .put("width", width)
        .put("height", height)
        .put("bytes", Base64.getDecoder().decode(base64).length)
        .put("base64", base64);
  }

  private Future<ProbeOutcome> finish(Indexed failed) {
    return collectMetrics()
        .compose(v -> evaluate("page", new JsonObject()))
        .recover(e -> Future.succeededFuture(null))
        .compose(
            pageInfo -> {
              boolean stepFailed = failed != null && failed.failure() != null;
              Future<JsonObject> shot =
                  stepFailed && !cdp.isClosed() ? screenshot() : Future.succeededFuture(null);
              return shot.map(s -> outcome(failed, pageInfo, s));
            });
  }

  private ProbeOutcome outcome(Indexed failed, JsonObject pageInfo, JsonObject shot) {
    long totalNanos = ctx.time().monotonicNanos() - startNanos;
    Map<String, Double> phases = new LinkedHashMap<>();
    JsonObject nav = metrics.getJsonObject("navigation", new JsonObject());
    for (String phase : List.of("dns", "connect", "tls", "firstByte", "domContentLoaded", "load")) {
      Double ms = nav.getDouble(phase);
      if (ms != null && ms > 0) {
        phases.put(phase, round(ms));
      }
    }
    phases.put("total", round(totalNanos / 1e6));

    JsonObject vitals = new JsonObject();
    JsonObject seen = metrics.getJsonObject("vitals", new JsonObject());
    for (String name : List.of("lcp", "fcp", "cls", "fid")) {
      Double value = seen.getDouble(name);
      if (value != null) {
        vitals.put(name, name.equals("cls") ? Math.round(value * 10000) / 10000.0 : round(value));
      }
    }
    if (maxInp != null) {
      vitals.put("inp", round(maxInp));
    }

    JsonObject d = new JsonObject().put("steps", stepTimes);
    if (pageInfo != null) {
      d.put("url", pageInfo.getString("url")).put("title", pageInfo.getString("title"));
    }
    if (!nav.isEmpty()) {
      JsonObject navigation = new JsonObject();
      nav.forEach(
          e -> {
            if (e.getValue() != null) navigation.put(e.getKey(), e.getValue());
          });
      d.put("navigation", navigation);
    }
    d.put("vitals", vitals);
    d.put("consoleErrors", new JsonArray(new ArrayList<>(consoleErrors)));
    d.put("consoleErrorCount", consoleErrorCount);
    d.put("failedRequests", failedRequests);
    d.put("failedRequestCount", failedRequestCount);
    if (!screenshots.isEmpty()) {
      d.put("screenshots", screenshots);
    }

    Failure failure = null;
    if (failed != null && failed.failure() != null) {
      StepFailure f = failed.failure();
      String stepName = failed.index() >= 0 ? spec.steps().get(failed.index()).name() : "";
      if (failed.index() >= 0) {
        BrowserStep step = spec.steps().get(failed.index());
        JsonObject at =
            new JsonObject()
                .put("index", failed.index() + 1)
                .put("name", step.name())
                .put("action", step.action());
        if (f.selector() != null) {
          at.put("selector", f.selector());
        }
        if (f.found() != null) {
          at.put("found", f.found());
        }
        d.put("failedStep", at);
      }
      if (shot != null) {
        d.put("screenshot", shot);
      }
      failure = new Failure(f.kind(), stepName, f.message());
    } else {
      failure = judge(totalNanos, vitals);
    }
    JsonObject redacted = redact(d);
    if (failure != null) {
      failure = new Failure(failure.kind(), failure.step(), redaction.apply(failure.message()));
    }
    return new ProbeOutcome(failure, Math.round(totalNanos / 1e6), phases, redacted);
  }

  /** The run's assertions; a failing {@code console.errors} one is a {@code CONSOLE_ERROR}. */
  private Failure judge(long totalNanos, JsonObject vitals) {
    Observation o =
        new Observation() {
          @Override
          public Duration latency() {
            return Duration.ofNanos(totalNanos);
          }

          @Override
          public Object browserMetric(String name) {
            switch (name) {
              case "console.errors":
                return consoleErrorCount;
              case "requests.failed":
                return failedRequestCount;
              case "cls":
                return vitals.getDouble("cls");
              case "ttfb":
                {
                  Double fb =
                      metrics.getJsonObject("navigation", new JsonObject()).getDouble("firstByte");
                  return fb == null ? null : Duration.ofNanos(Math.round(fb * 1e6));
                }
              default:
                {
                  Double ms = vitals.getDouble(name);
                  return ms == null ? null : Duration.ofNanos(Math.round(ms * 1e6));
                }
            }
          }
        };
    List<Verdict> verdicts = Evaluator.evaluateAll(spec.expect(), o);
    for (int i = 0; i < verdicts.size(); i++) {
      Verdict v = verdicts.get(i);
      if (v.ok()) {
        continue;
      }
      Subject s = spec.expect().get(i).subject();
      if (s instanceof Subject.BrowserMetric m && m.name().equals("console.errors")) {
        String first = consoleErrors.isEmpty() ? "" : "; the first: " + consoleErrors.get(0);
        return new Failure(FailureKind.CONSOLE_ERROR, "expect", v.message() + first);
      }
      return new Failure(FailureKind.ASSERTION, "expect", v.message());
    }
    return null;
  }

  /** {@code json} with every secret used replaced in its strings (screenshots are images). */
  private JsonObject redact(JsonObject json) {
    if (redaction.isEmpty()) {
      return json;
    }
    JsonObject out = new JsonObject();
    json.forEach(
        e ->
            out.put(
                e.getKey(),
                e.getKey().equals("base64") ? e.getValue() : redactValue(e.getValue())));
    return out;
  }

  private Object redactValue(Object v) {
    if (v instanceof String s) {
      return redaction.apply(s);
    }
    if (v instanceof JsonObject o) {
      return redact(o);
    }
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(x -> out.add(redactValue(x)));
      return out;
    }
    return v;
  }

  private static double round(double ms) {
    return Math.round(ms * 10) / 10.0;
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static String shorten(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  private static String browserError(Throwable e) {
    return "the browser failed: "
        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
  }
}
