package io.nines.coordinator.screenshots;

import io.nines.common.Checks;
import io.nines.store.documents.Documents;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Screenshots as documents of kind {@value #KIND} (the database's {@code documents} table, or a
 * cluster map), one per content id: {@code {storedAt, width, height, bytes, png}} with the PNG in
 * base64. Bounded like the memory store; what this process stored or found at start is what it
 * forgets, oldest first, so in a cluster each member bounds what it stored (the members together
 * keep at most their number times the capacity). Blocking: call it on a worker.
 */
public final class DocumentsScreenshotStore implements ScreenshotStore {
  /** The kind of document, and the key prefix nowhere: keys are content ids. */
  public static final String KIND = "screenshots";

  private static final Logger LOG = Logger.getLogger(DocumentsScreenshotStore.class.getName());

  private final Documents documents;
  private final Supplier<Duration> retention;
  private final Index index;
  private boolean loaded;

  /**
   * @param documents where they are kept
   * @param capacityBytes the most bytes of images kept together
   * @param retention how long each is kept (the fleet's {@code retention.raw}); may return null
   *     while no configuration is loaded
   */
  public DocumentsScreenshotStore(
      Documents documents, long capacityBytes, Supplier<Duration> retention) {
    this.documents = Checks.notNull(documents, "documents");
    this.retention = Checks.notNull(retention, "retention");
    this.index = new Index(capacityBytes, retention);
  }

  @Override
  public synchronized void put(Screenshot shot, Instant now) {
    Checks.notNull(shot, "shot");
    load();
    documents.put(
        shot.id(),
        new JsonObject()
            .put("storedAt", shot.storedAt().toEpochMilli())
            .put("width", shot.width())
            .put("height", shot.height())
            .put("bytes", shot.bytes())
            .put("png", Base64.getEncoder().encodeToString(shot.png()))
            .encode());
    index.add(shot.id(), shot.storedAt(), shot.bytes());
    for (String id : index.evict(now)) {
      documents.remove(id);
    }
  }

  @Override
  public Screenshot get(String id, Instant now) {
    if (!Screenshots.isId(id)) {
      return null;
    }
    String body = documents.get(id);
    if (body == null) {
      return null;
    }
    Screenshot shot = parse(id, body);
    Duration keep = retention.get();
    if (shot == null || (keep != null && shot.storedAt().plus(keep).isBefore(now))) {
      return null;
    }
    return shot;
  }

  /** Reads what is kept already, once, so that it counts against the bounds. */
  private void load() {
    if (loaded) {
      return;
    }
    loaded = true;
    List<Screenshot> found = new ArrayList<>();
    for (Map.Entry<String, String> e : documents.all().entrySet()) {
      Screenshot s = parse(e.getKey(), e.getValue());
      if (s != null) {
        found.add(s);
      }
    }
    found.sort(Comparator.comparing(Screenshot::storedAt));
    found.forEach(s -> index.add(s.id(), s.storedAt(), s.bytes()));
  }

  private static Screenshot parse(String id, String body) {
    try {
      JsonObject json = new JsonObject(body);
      return new Screenshot(
          id,
          Instant.ofEpochMilli(json.getLong("storedAt")),
          json.getInteger("width", 0),
          json.getInteger("height", 0),
          Base64.getDecoder().decode(json.getString("png", "")));
    } catch (RuntimeException e) {
      LOG.warning("screenshot document '" + id + "' is unreadable and is ignored: " + e);
      return null;
    }
  }
}
