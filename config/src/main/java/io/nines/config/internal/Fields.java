package io.nines.config.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The known keys of a mapping with a fixed set of keys; see {@link At#fields}. */
public final class Fields {
  private final At owner;
  private final Map<String, At> values;

  Fields(At owner, Map<String, At> values) {
    this.owner = owner;
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public At owner() {
    return owner;
  }

  /** The value at {@code key}, or null when absent. */
  public At get(String key) {
    return values.get(key);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The keys present, in the order written. */
  public Set<String> keys() {
    return values.keySet();
  }

  /**
   * The value at {@code key}; when absent, reports it as missing on the owner.
   *
   * @param what what the key holds, for the message, e.g. {@code the id of the service it measures}
   */
  public At require(String key, String what) {
    At v = values.get(key);
    if (v == null) {
      owner.error("is missing required key '" + key + "' (" + what + ")");
    }
    return v;
  }
}
