package io.nines.agent;

import io.nines.agent.spool.DurableFiles;
import io.nines.common.Checks;
import io.nines.config.ConfigSources;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last configuration an agent fetched from the coordinator, kept in one file of its state
 * directory ({@value #FILE_NAME} beside the spool's segments), so that an agent restarted while no
 * coordinator answers goes on probing with it rather than with nothing.
 *
 * <p>The file holds the configuration's files as text, as the coordinator sent them (secrets stay
 * {@code ${env:...}} references), with their version hash, which {@link #read} checks. It is
 * written whole to a temporary file, forced, and moved into place, so a crash leaves the old one or
 * the new one, never half of either. Blocking: call it off the event loop.
 */
public final class ConfigCache {
  /** The file's name in the agent's spool directory. */
  public static final String FILE_NAME = "last-config.json";

  private ConfigCache() {}

  /** Where the cache of an agent whose spool is in {@code spoolDir} lives. */
  public static Path fileIn(Path spoolDir) {
    return Checks.notNull(spoolDir, "spoolDir").resolve(FILE_NAME);
  }

  /** Replaces the cached configuration with {@code sources}. */
  public static void write(Path file, ConfigSources sources) throws IOException {
    JsonArray files = new JsonArray();
    for (ConfigSources.File f : sources.files()) {
      files.add(new JsonObject().put("path", f.path()).put("text", f.text()));
    }
    byte[] bytes =
        new JsonObject()
            .put("version", sources.hash())
            .put("files", files)
            .encode()
            .getBytes(StandardCharsets.UTF_8);
    DurableFiles.replace(file, bytes);
  }

  /**
   * The cached configuration, or empty when there is none.
   *
   * @throws IOException when the file exists but can't be read, or does not hold a configuration
   *     whose files hash to the version it names
   */
  public static Optional<ConfigSources> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      List<ConfigSources.File> files = new ArrayList<>();
      for (Object o : json.getJsonArray("files")) {
        JsonObject f = (JsonObject) o;
        files.add(new ConfigSources.File(f.getString("path"), f.getString("text")));
      }
      ConfigSources sources = ConfigSources.of(files);
      if (!sources.hash().equals(json.getString("version"))) {
        throw new IOException(
            file
                + ": its files hash to "
                + sources.hash()
                + ", not to the version "
                + json.getString("version")
                + " it names; delete it, and the agent fetches the configuration again");
      }
      return Optional.of(sources);
    } catch (RuntimeException e) {
      throw new IOException(
          file
              + " does not hold a configuration ("
              + e.getMessage()
              + "); delete it, and the agent fetches the configuration again",
          e);
    }
  }
}
