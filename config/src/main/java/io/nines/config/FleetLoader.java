package io.nines.config;

import io.nines.common.TimeSource;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads a configuration directory into a {@link Fleet}, collecting every problem before failing
 * once.
 *
 * <p>Blocking: reads files. Call it from a worker thread, never an event loop.
 */
public final class FleetLoader {
  private final TimeSource time;
  private final Map<String, String> varOverrides;

  /**
   * @param time stamps the loaded version
   * @param varOverrides replace values of {@code vars:} (e.g. the demo's real port)
   */
  public FleetLoader(TimeSource time, Map<String, String> varOverrides) {
    this.time = time;
    this.varOverrides = Map.copyOf(varOverrides);
  }

  /**
   * Loads every {@code *.yaml} and {@code *.yml} file below {@code dir}.
   *
   * @throws ConfigException listing every error; warnings alone do not throw
   */
  public Fleet load(Path dir) throws ConfigException {
    throw new UnsupportedOperationException("in progress: " + dir + time + varOverrides);
  }
}
