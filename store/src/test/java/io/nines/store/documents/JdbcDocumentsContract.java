package io.nines.store.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.ReopenableDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The documents contract on the {@code documents} table of a real database, plus what durability
 * adds: a reopened database holds every committed write, collections of different kinds share the
 * table without seeing each other, and a write the database refuses fails naming the collection and
 * the key. One subclass per database (H2, PostgreSQL).
 */
abstract class JdbcDocumentsContract extends DocumentsContract {
  /** One database per class (migrations take a while); each test has a collection of its own. */
  static ReopenableDatabase database;

  static int tests;
  String kind;

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  @Override
  Documents newDocuments() {
    if (database == null) {
      database = new ReopenableDatabase(freshDatabase());
    }
    kind = "alerts-" + ++tests;
    return database.get().documents(kind);
  }

  @AfterAll
  static void closeDatabase() {
    if (database != null) {
      database.close();
      database = null;
    }
  }

  @Test
  void whenTheDatabaseIsReopened_thenEveryCommittedWriteIsThere() {
    documents.put("a", "{\"v\":1}");
    documents.put("b", "{\"v\":2}");
    documents.putIfAbsent("c", "{\"v\":3}");
    documents.remove("b");
    documents.put("a", "{\"v\":4}");

    documents = database.reopen().documents(kind);

    assertThat(documents.all()).containsOnlyKeys("a", "c");
    assertThat(documents.get("a")).isEqualTo("{\"v\":4}");
    assertThat(documents.putIfAbsent("c", "{}")).isFalse();
  }

  @Test
  void whenTwoKindsUseOneKey_thenEachCollectionSeesOnlyItsOwn() {
    Documents outbox = database.get().documents(kind + "-other");
    documents.put("same", "{\"kind\":\"mine\"}");

    assertThat(outbox.get("same")).isNull();
    assertThat(outbox.putIfAbsent("same", "{\"kind\":\"outbox\"}")).isTrue();
    outbox.remove("same");

    assertThat(documents.get("same")).isEqualTo("{\"kind\":\"mine\"}");
    assertThat(outbox.all()).isEmpty();
  }

  @Test
  void whenTheDatabaseRefusesAWrite_thenItFailsNamingTheCollectionAndTheKey() {
    documents.put("kept", "{}");
    database.get().close();

    for (Runnable write :
        new Runnable[] {
          () -> documents.put("svc-1", "{}"),
          () -> documents.putIfAbsent("svc-1", "{}"),
          () -> documents.remove("svc-1")
        }) {
      assertThatThrownBy(write::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'" + kind + "'")
          .hasMessageContaining("'svc-1'");
    }
    assertThat(database.reopen().documents(kind).all()).containsOnlyKeys("kept");
  }
}
