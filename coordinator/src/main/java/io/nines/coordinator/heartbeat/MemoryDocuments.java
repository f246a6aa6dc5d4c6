package io.nines.coordinator.heartbeat;

import io.nines.store.documents.Documents;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Documents in this process's memory: where a single process without a database keeps runs. */
final class MemoryDocuments implements Documents {
  private final Map<String, String> map = new ConcurrentHashMap<>();

  @Override
  public Map<String, String> all() {
    return new TreeMap<>(map);
  }

  @Override
  public String get(String key) {
    return map.get(key);
  }

  @Override
  public void put(String key, String json) {
    map.put(key, json);
  }

  @Override
  public boolean putIfAbsent(String key, String json) {
    return map.putIfAbsent(key, json) == null;
  }

  @Override
  public void remove(String key) {
    map.remove(key);
  }
}
