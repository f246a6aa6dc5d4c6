package io.nines.store.results;

import io.nines.store.testing.TestDatabases;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/** {@link TieredResultStoreContract} on an H2 file. */
class TieredResultStoreH2IT extends TieredResultStoreContract {
  @BeforeAll
  static void start() throws Exception {
    startCluster(
        TestDatabases.h2(
            Files.createTempDirectory("nines-tiered").resolve(UUID.randomUUID().toString())));
  }
}
