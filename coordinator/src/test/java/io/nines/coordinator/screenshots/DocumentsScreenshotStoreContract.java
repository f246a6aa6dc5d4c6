package io.nines.coordinator.screenshots;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.ReopenableDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Screenshots as documents in a real database: the contract, and surviving a restart. One subclass
 * per database (H2, PostgreSQL).
 */
abstract class DocumentsScreenshotStoreContract extends ScreenshotStoreContract {
  static ReopenableDatabase database;
  static int tests;
  String kind;

  @AfterAll
  static void close() {
    if (database != null) {
      database.close();
      database = null;
    }
  }

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  @Override
  ScreenshotStore newStore(long capacityBytes) {
    if (database == null) {
      database = new ReopenableDatabase(freshDatabase());
    }
    kind = DocumentsScreenshotStore.KIND + "-" + ++tests;
    return new DocumentsScreenshotStore(
        database.get().documents(kind), capacityBytes, retention::get);
  }

  @Test
  void whenReopened_thenWhatWasKeptIsServedAndStillCountsAgainstTheCapacity() {
    Screenshot first = shot(7, T0);
    long size = first.bytes();
    ScreenshotStore store = newStore(size * 2 + size / 2);
    store.put(first, T0);
    Screenshot second = shot(8, T0.plusSeconds(1));
    store.put(second, T0.plusSeconds(1));

    database.reopen();
    ScreenshotStore again =
        new DocumentsScreenshotStore(
            database.get().documents(kind), size * 2 + size / 2, retention::get);
    assertThat(again.get(first.id(), T0.plusSeconds(2)).png()).isEqualTo(first.png());

    // A third one pushes out the oldest, which was stored before the restart.
    Screenshot third = shot(9, T0.plusSeconds(3));
    again.put(third, T0.plusSeconds(3));
    assertThat(again.get(first.id(), T0.plusSeconds(4))).isNull();
    assertThat(again.get(second.id(), T0.plusSeconds(4))).isNotNull();
  }
}
