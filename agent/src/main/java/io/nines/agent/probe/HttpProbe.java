package io.nines.agent.probe;

import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.vertx.core.Future;
import java.util.List;

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
 *
 * <p>The probe only takes the check; the work is done by parts with one job each: {@link
 * JourneyRunner} runs the steps (requests, redirects, cookies, timing, diagnostics), {@link
 * RequestRenderer} renders each request from its templates and redacts the secrets it used, {@link
 * Redirects} holds the URL and redirect rules, and {@link StepJudge} judges each response. Threads:
 * {@link #run} is called on a Vert.x context and the run stays on it; it never blocks.
 */
public final class HttpProbe implements Probe {
  /** How much of a failing response's body the diagnostics keep. */
  public static final int DIAGNOSTIC_BODY_BYTES = 4096;

  /** How many redirects one result lists, over all of its steps. */
  static final int MAX_HOPS = 50;

  /** The longest redirect location a result shows, in characters. */
  static final int MAX_LOCATION_CHARS = 512;

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
    return new JourneyRunner(check, context, steps, options).start();
  }
}
