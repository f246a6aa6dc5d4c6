package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code nines report} against a coordinator that answers as the real one does. */
class ReportCsvOutputTest {
  private static final String CSV =
      "service,tier,target,percent\r\ncheckout,critical,99.99,100.0000\r\n"
          + "catalog,important,99.9,99.9500";

  private HttpServer coordinator;
  private final AtomicReference<String> query = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    coordinator = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    coordinator.createContext(
        "/api/v1/reports/monthly",
        exchange -> {
          query.set(exchange.getRequestURI().getQuery());
          byte[] body = CSV.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/csv; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    coordinator.start();
  }

  @AfterEach
  void stop() {
    coordinator.stop(0);
  }

  @Test
  void whenCsvIsAsked_thenTheWholeReportReachesStandardOutput() {
    // As picocli's own writer over System.out: an encoder that buffers until a flush.
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));

    int code =
        Main.run(
            cl,
            "report",
            "--month",
            "2026-04",
            "--csv",
            "--coordinator",
            "http://127.0.0.1:" + coordinator.getAddress().getPort());

    assertThat(code).isZero();
    assertThat(query.get()).isEqualTo("month=2026-04&format=csv");
    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(CSV);
  }
}
