package io.nines.store.jdbc.internal;

import com.hazelcast.map.MapStore;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The MapStore of a cluster map of JSON strings (alerts, outbox, maintenance, configuration
 * history): one kind of document in the {@code documents} table. Hazelcast calls it on its own
 * threads (the write-behind thread, the map-loading threads), never on a Vert.x event loop. Writes
 * are idempotent upserts and deletes by key, so a retried or repeated batch (a promoted backup
 * writing again) changes nothing. A failed write throws, and Hazelcast retries it later.
 */
public final class DocumentMapStore implements MapStore<String, String> {
  private final DocumentRepository repository;

  public DocumentMapStore(DocumentRepository repository) {
    this.repository = repository;
  }

  @Override
  public void store(String key, String value) {
    repository.write(Map.of(key, value), List.of());
  }

  @Override
  public void storeAll(Map<String, String> map) {
    repository.write(new LinkedHashMap<>(map), List.of());
  }

  @Override
  public void delete(String key) {
    repository.write(Map.of(), List.of(key));
  }

  @Override
  public void deleteAll(Collection<String> keys) {
    repository.write(Map.of(), List.copyOf(keys));
  }

  @Override
  public String load(String key) {
    return repository.get(key);
  }

  @Override
  public Map<String, String> loadAll(Collection<String> keys) {
    return repository.get(keys);
  }

  @Override
  public Iterable<String> loadAllKeys() {
    return List.copyOf(repository.keys());
  }
}
