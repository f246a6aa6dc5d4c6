package io.nines.agent.probe;

import io.netty.handler.codec.dns.DnsRecordType;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Subject;
import io.nines.config.assertion.Verdict;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs {@code dns} checks: one query over UDP for the check's name and record type (A, AAAA, CNAME,
 * MX or TXT) to the check's server, or to the first {@code nameserver} of {@code /etc/resolv.conf}.
 *
 * <p>What assertions see: {@code dns.answers} is the data of the answer records of the asked type
 * (addresses in their canonical text form, names with their trailing dot, MX as {@code "10
 * mx.example."}, each TXT record as the concatenation of its strings), so a name reached through a
 * CNAME chain answers with the chain's addresses; {@code dns.rcode} is the response code ({@code
 * NOERROR}, {@code NXDOMAIN}, {@code SERVFAIL}, ...); {@code latency} the time to the answer.
 *
 * <p>Outcome: a response code other than NOERROR is a {@code DNS} failure ({@code "NXDOMAIN for
 * shop.example"}) unless an assertion looks at {@code dns.rcode}; with no assertions the check
 * passes on NOERROR with at least one answer; a failing assertion is {@code ASSERTION}; no answer
 * within the timeout is {@code TIMEOUT} (the query is sent again once, at half the timeout, as UDP
 * may lose it); a truncated or malformed answer is {@code PROTOCOL}.
 *
 * <p>Phases: {@code total} only (one round trip). The socket is closed when the attempt completes.
 */
public final class DnsProbe implements Probe {

  /** The port of a server given without one. */
  public static final int DEFAULT_PORT = 53;

  private static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  private final String defaultServer;
  private final Path resolvConf;
  private Future<Server> systemServer; // guarded by this

  /**
   * A probe that sends checks with no server to the first {@code nameserver} of {@code
   * /etc/resolv.conf}. The file is read once, on a worker thread, when the first such check runs
   * (the agent builds its probes on its event loop, so the constructor does no I/O).
   */
  public DnsProbe() {
    this(null, RESOLV_CONF);
  }

  /**
   * A probe that sends checks with no server to {@code defaultServer}.
   *
   * @param defaultServer {@code host:port}, {@code host} (port 53) or {@code [v6-address]:port}
   */
  public DnsProbe(String defaultServer) {
    this(defaultServer, null);
  }

  DnsProbe(String defaultServer, Path resolvConf) {
    this.defaultServer = defaultServer;
    this.resolvConf = resolvConf;
  }

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    return Dispatch.bySpec(
        this, check, CheckSpec.Dns.class, spec -> new Run(check, context, spec, this).start());
  }

  /** The server for checks that name none; completes on some context, maybe another one. */
  private Future<Server> defaultServer(Vertx vertx) {
    if (defaultServer != null) {
      try {
        return Future.succeededFuture(Server.parse(defaultServer));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
    }
    synchronized (this) {
      if (systemServer == null) {
        Path file = resolvConf;
        systemServer = vertx.executeBlocking(() -> Server.parse(firstNameserver(file)));
      }
      return systemServer;
    }
  }

  /**
   * The address of the first {@code nameserver} line of a resolv.conf file.
   *
   * @throws IllegalArgumentException naming the file when it has none or can't be read
   */
  static String firstNameserver(Path resolvConf) {
    List<String> lines;
    try {
      lines = Files.readAllLines(resolvConf, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the check names no server and " + resolvConf + " can't be read (" + e + ")");
    }
    for (String line : lines) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        return words[1];
      }
    }
    throw new IllegalArgumentException(
        "the check names no server and " + resolvConf + " has no nameserver line");
  }

  /**
   * A DNS server's address.
   *
   * @param host an IP address or a host name; IPv6 without brackets
   */
  record Server(String host, int port) {
    boolean ipv6() {
      return host.contains(":");
    }

    /**
     * Reads {@code host:port}, {@code host} (port 53), {@code [v6]:port} or a bare IPv6 address.
     *
     * @throws IllegalArgumentException saying what was wrong and what is expected
     */
    static Server parse(String text) {
      String s = text == null ? "" : text.trim();
      String host;
      String port = null;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        if (close < 0 || (close + 1 < s.length() && s.charAt(close + 1) != ':')) {
          throw invalid(text);
        }
        host = s.substring(1, close);
        port = close + 1 < s.length() ? s.substring(close + 2) : null;
      } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
        host = s.substring(0, s.indexOf(':'));
        port = s.substring(s.indexOf(':') + 1);
      } else {
        host = s; // a name, an IPv4 address or a bare IPv6 address
      }
      if (host.isEmpty()) {
        throw invalid(text);
      }
      int number = DEFAULT_PORT;
      if (port != null) {
        try {
          number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
          throw invalid(text);
        }
        if (number < 1 || number > 65535) {
          throw invalid(text);
        }
      }
      return new Server(host, number);
    }

    private static IllegalArgumentException invalid(String text) {
      return new IllegalArgumentException(
          "the DNS server was '"
              + text
              + "' but it must be host:port, host (port 53) or [IPv6 address]:port");
    }

    @Override
    public String toString() {
      return (ipv6() ? "[" + host + "]" : host) + ":" + port;
    }
  }

  private static final class Run extends Attempt {
    private final DnsProbe probe;
    private final CheckSpec.Dns spec;
    private final int id = ThreadLocalRandom.current().nextInt(1 << 16);
    private DnsRecordType type;
    private Server server;
    private DatagramSocket socket;
    private Buffer query;
    private long resendTimerId = -1;
    private int sent;

    Run(Check check, ProbeContext ctx, CheckSpec.Dns spec, DnsProbe probe) {
      super(check, ctx);
      this.spec = spec;
      this.probe = probe;
    }

    @Override
    protected void begin() {
      type =
          DnsMessages.TYPES.get(
              spec.recordType() == null ? "" : spec.recordType().toUpperCase(Locale.ROOT));
      if (type == null) {
        fail(
            FailureKind.INTERNAL,
            "record type was '"
                + spec.recordType()
                + "' but it must be one of A, AAAA, CNAME, MX, TXT",
            diagnostics(null));
        return;
      }
      try {
        query = Buffer.buffer(DnsMessages.query(id, spec.name(), type));
      } catch (IllegalArgumentException e) {
        fail(
            FailureKind.DNS,
            "'" + spec.name() + "' is not a valid domain name: " + e.getMessage(),
            diagnostics(null));
        return;
      }
      if (spec.server() != null) {
        Server s;
        try {
          s = Server.parse(spec.server());
        } catch (IllegalArgumentException e) {
          fail(FailureKind.DNS, e.getMessage(), diagnostics(null));
          return;
        }
        open(s);
        return;
      }
      Future<Server> system = probe.defaultServer(ctx.vertx());
      if (system.isComplete()) {
        onDefaultServer(system);
      } else {
        // The future completes on the context of the first check that asked; come back to ours.
        Context here = ctx.vertx().getOrCreateContext();
        system.onComplete(ar -> here.runOnContext(v -> guarded(() -> onDefaultServer(ar))));
      }
    }

    private void onDefaultServer(AsyncResult<Server> ar) {
      if (done()) {
        return;
      }
      if (ar.failed()) {
        fail(FailureKind.DNS, Failures.describe(ar.cause()), diagnostics(null));
        return;
      }
      open(ar.result());
    }

    private void open(Server s) {
      server = s;
      DatagramSocket datagrams =
          ctx.vertx().createDatagramSocket(new DatagramSocketOptions().setIpV6(s.ipv6()));
      socket = datagrams;
      datagrams.handler(packet -> guarded(() -> onPacket(packet)));
      datagrams
          .listen(0, s.ipv6() ? "::" : "0.0.0.0")
          .onComplete(
              ar ->
                  guarded(
                      () -> {
                        if (done()) {
                          return;
                        }
                        if (ar.failed()) {
                          fail(
                              FailureKind.INTERNAL,
                              "could not open a UDP socket: " + Failures.describe(ar.cause()),
                              diagnostics(null));
                          return;
                        }
                        send();
                        long resendMillis = Math.max(1, check.timeout().toMillis() / 2);
                        resendTimerId =
                            ctx.vertx()
                                .setTimer(
                                    resendMillis,
                                    t -> {
                                      resendTimerId = -1;
                                      guarded(this::send);
                                    });
                      }));
    }

    private void send() {
      if (done()) {
        return;
      }
      sent++;
      socket
          .send(query, server.port(), server.host())
          .onComplete(
              ar ->
                  guarded(
                      () -> {
                        if (ar.failed() && !done()) {
                          FailureKind kind = Failures.classify(ar.cause());
                          fail(
                              kind == FailureKind.TIMEOUT ? kind : FailureKind.DNS,
                              "could not send the query to "
                                  + server
                                  + ": "
                                  + Failures.describe(ar.cause()),
                              diagnostics(null));
                        }
                      }));
    }

    private void onPacket(DatagramPacket packet) {
      if (done()) {
        return;
      }
      DnsMessages.Response response;
      try {
        response = DnsMessages.parse(packet.data().getBytes(), id, spec.name(), type);
      } catch (IllegalArgumentException e) {
        fail(
            FailureKind.PROTOCOL,
            server + " answered with " + e.getMessage(),
            diagnostics(null).put("from", String.valueOf(packet.sender())));
        return;
      }
      if (response == null) {
        return; // not the answer to our query
      }
      onResponse(response);
    }

    private void onResponse(DnsMessages.Response response) {
      String rcode = DnsMessages.rcodeName(response.rcode());
      List<String> answers = response.answersOf(type);
      String question = spec.name() + " (" + type.name() + " from " + server + ")";
      if (response.truncated()) {
        fail(
            FailureKind.PROTOCOL,
            "the answer for "
                + question
                + " was truncated; it is too large for UDP and this probe does not retry over TCP",
            diagnostics(response));
        return;
      }
      boolean mentionsRcode =
          spec.expect().stream().anyMatch(a -> a.subject() instanceof Subject.DnsRcode);
      if (!rcode.equals("NOERROR") && !mentionsRcode) {
        fail(FailureKind.DNS, rcode + " for " + question, diagnostics(response));
        return;
      }
      if (spec.expect().isEmpty()) {
        if (answers.isEmpty()) {
          fail(
              FailureKind.DNS,
              "no " + type.name() + " records for " + question + ": NOERROR with no answer",
              diagnostics(response));
        } else {
          succeed();
        }
        return;
      }
      Observation observation = new DnsObservation(answers, rcode, elapsed());
      Verdict failed = firstFailing(spec.expect(), observation);
      if (failed != null) {
        fail(FailureKind.ASSERTION, failed.message(), diagnostics(response));
        return;
      }
      succeed();
    }

    @Override
    protected void onTimeout() {
      if (server == null) {
        fail(
            FailureKind.TIMEOUT,
            "could not find the DNS server within " + format(check.timeout()),
            diagnostics(null));
        return;
      }
      fail(
          FailureKind.TIMEOUT,
          "no answer from "
              + server
              + " for "
              + spec.name()
              + " ("
              + type.name()
              + ") within "
              + format(check.timeout())
              + (sent > 1 ? "; the query was sent " + sent + " times" : ""),
          diagnostics(null));
    }

    @Override
    protected void release() {
      if (resendTimerId >= 0) {
        ctx.vertx().cancelTimer(resendTimerId);
        resendTimerId = -1;
      }
      if (socket != null) {
        socket.close();
        socket = null;
      }
    }

    private JsonObject diagnostics(DnsMessages.Response response) {
      JsonObject d =
          new JsonObject()
              .put("server", server == null ? spec.server() : server.toString())
              .put("name", spec.name())
              .put("type", spec.recordType())
              .put("queriesSent", sent);
      if (response != null) {
        d.put("rcode", DnsMessages.rcodeName(response.rcode()))
            .put("answers", new JsonArray(response.answersOf(type)))
            .put("answerRecords", render(response.answers()))
            .put("authorityRecords", render(response.authority()))
            .put("authoritative", response.authoritative())
            .put("recursionAvailable", response.recursionAvailable())
            .put("truncated", response.truncated());
      }
      return d;
    }

    private static JsonArray render(List<DnsMessages.Rendered> records) {
      JsonArray out = new JsonArray();
      records.forEach(r -> out.add(r.toString()));
      return out;
    }
  }

  /** What assertions read from a DNS answer: answers, rcode and latency. */
  private record DnsObservation(List<String> dnsAnswers, String dnsRcode, Duration latency)
      implements Observation {}
}
