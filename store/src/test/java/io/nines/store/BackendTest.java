package io.nines.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.incident.Notification;
import io.nines.common.TimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.agents.InMemoryAgentRegistry;
import io.nines.store.alerts.InMemoryAlertStore;
import io.nines.store.alerts.InMemoryOutbox;
import io.nines.store.alerts.JdbcAlertStore;
import io.nines.store.alerts.JdbcOutbox;
import io.nines.store.jdbc.Database;
import io.nines.store.results.InMemoryResultStore;
import io.nines.store.results.JdbcResultStore;
import io.nines.store.testing.TestDatabases;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each single-process storage mode's backend supplies every store, of the mode's kind; the
 * cluster's is in {@code ClusterBackendIT}.
 */
class BackendTest {
  static final Instant T0 = Instant.parse("2026-04-10T12:00:00Z");
  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
          .build();
  final Supplier<Fleet> fleets = () -> fleet;

  @TempDir Path dir;
  Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stopVertx() {
    vertx.close().await();
  }

  @Test
  void whenTheModeIsMemory_thenEveryStoreIsInMemoryAndNoDocumentsAreKept() {
    Backend backend = Backends.singleProcess(null);
    assertThat(backend).isInstanceOf(MemoryBackend.class);
    assertThat(backend.mode()).isEqualTo("memory");

    backend.start(vertx, fleets).await();

    assertThat(backend.results()).isInstanceOf(InMemoryResultStore.class);
    assertThat(backend.outbox()).isInstanceOf(InMemoryOutbox.class);
    assertThat(backend.alertStore()).isInstanceOf(InMemoryAlertStore.class);
    assertThat(backend.agents()).isInstanceOf(InMemoryAgentRegistry.class);
    assertThat(backend.documents("maintenance")).isNull();
    assertThat(backend.database()).isNull();
    backend.close().await();
  }

  @Test
  void whenABackendIsNotStarted_thenAskingForItsAlertingStoresSaysSo() {
    Backend backend = new MemoryBackend();

    assertThat(backend.results()).isNotNull();
    assertThatThrownBy(backend::outbox)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start(vertx, fleet)");
    assertThatThrownBy(backend::alertStore).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(backend::agents).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void whenTheModeIsJdbc_thenEveryStoreWritesToTheDatabaseAndARestartReadsItBack()
      throws Exception {
    Database db =
        Database.open(TestDatabases.h2(dir), new SimpleMeterRegistry(), TimeSource.SYSTEM);
    try {
      JdbcResultStore results = JdbcResultStore.open(vertx, db).await();
      Backend backend = Backends.singleProcess(results);
      assertThat(backend).isInstanceOf(JdbcBackend.class);
      assertThat(backend.mode()).isEqualTo("jdbc");
      assertThat(backend.database()).isSameAs(db);

      backend.start(vertx, fleets).await();

      assertThat(backend.results()).isSameAs(results);
      assertThat(backend.outbox()).isInstanceOf(JdbcOutbox.class);
      assertThat(backend.alertStore()).isInstanceOf(JdbcAlertStore.class);
      assertThat(backend.agents()).isInstanceOf(InMemoryAgentRegistry.class);
      backend.documents("maintenance").put("w-1", "{\"v\":1}");
      backend
          .outbox()
          .enqueue(
              List.of(
                  new Notification(
                      "k-1",
                      "svc@1",
                      "svc",
                      "shop",
                      "email",
                      Notification.Kind.PAGE,
                      T0,
                      "svc is DOWN",
                      Map.of())),
              T0)
          .await();
      backend.close().await();
      results.close();

      JdbcBackend reopened = JdbcBackend.open(vertx, db).await();
      reopened.start(vertx, fleets).await();
      assertThat(reopened.documents("maintenance").get("w-1")).isEqualTo("{\"v\":1}");
      assertThat(reopened.outbox().recent(10).await())
          .extracting(e -> e.notification().key())
          .containsExactly("k-1");
      reopened.close().await();
      reopened.results().close();
    } finally {
      db.close();
    }
  }
}
