package io.nines.store.documents;

import java.util.Map;

/**
 * A small durable collection of JSON documents by key: the coordinator's state other than results
 * (alerting state, the notification outbox, ad hoc maintenance windows, configuration history).
 *
 * <p>Blocking: a JDBC table or a Hazelcast map. Call it on a worker, never on an event loop.
 * Thread-safe. A write that fails throws {@link IllegalStateException} naming the collection and
 * the key; nothing was written then.
 */
public interface Documents {

  /** Every document, by key. */
  Map<String, String> all();

  /** The document under {@code key}, or null. */
  String get(String key);

  /** Stores {@code json} under {@code key}, replacing what was there. */
  void put(String key, String json);

  /**
   * Stores {@code json} under {@code key} unless a document is there already.
   *
   * @return whether it was stored
   */
  boolean putIfAbsent(String key, String json);

  /** Deletes the document under {@code key}, if any. */
  void remove(String key);
}
