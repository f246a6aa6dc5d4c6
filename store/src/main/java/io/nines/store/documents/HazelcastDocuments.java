package io.nines.store.documents;

import com.hazelcast.map.IMap;
import io.nines.common.Checks;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Documents} in a cluster map of JSON strings, shared by every member; durable when the map
 * has a MapStore ({@code Database.documentMapStoreConfig}). Blocking (Hazelcast's synchronous
 * calls): call it on a worker.
 */
public final class HazelcastDocuments implements Documents {
  private final IMap<String, String> map;

  public HazelcastDocuments(IMap<String, String> map) {
    this.map = Checks.notNull(map, "map");
  }

  @Override
  public Map<String, String> all() {
    return new LinkedHashMap<>(map);
  }

  @Override
  public String get(String key) {
    return map.get(key);
  }

  @Override
  public void put(String key, String json) {
    try {
      map.set(key, json);
    } catch (RuntimeException e) {
      throw failed(key, e);
    }
  }

  @Override
  public boolean putIfAbsent(String key, String json) {
    try {
      return map.putIfAbsent(key, json) == null;
    } catch (RuntimeException e) {
      throw failed(key, e);
    }
  }

  @Override
  public void remove(String key) {
    try {
      map.delete(key);
    } catch (RuntimeException e) {
      throw failed(key, e);
    }
  }

  /** As {@link Documents} promises: an {@link IllegalStateException} naming the map and the key. */
  private IllegalStateException failed(String key, RuntimeException e) {
    return new IllegalStateException(
        "writing '"
            + key
            + "' to the cluster map '"
            + map.getName()
            + "' failed: "
            + e.getMessage(),
        e);
  }
}
