package io.nines.store.testing;

import io.nines.store.documents.Documents;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real {@link Documents} whose next writes can be made to fail, as a database that refuses them for
 * a while would (connection lost, disk full): the failed write changes nothing.
 */
public final class FailingDocuments implements Documents {
  private final Documents delegate;
  private final AtomicInteger failures = new AtomicInteger();

  public FailingDocuments(Documents delegate) {
    this.delegate = delegate;
  }

  /** Makes the next {@code n} writes fail. */
  public void failNext(int n) {
    failures.set(n);
  }

  private void maybeFail(String key) {
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("writing '" + key + "' failed: the database is down (test)");
    }
  }

  @Override
  public Map<String, String> all() {
    return delegate.all();
  }

  @Override
  public String get(String key) {
    return delegate.get(key);
  }

  @Override
  public void put(String key, String json) {
    maybeFail(key);
    delegate.put(key, json);
  }

  @Override
  public boolean putIfAbsent(String key, String json) {
    maybeFail(key);
    return delegate.putIfAbsent(key, json);
  }

  @Override
  public void remove(String key) {
    maybeFail(key);
    delegate.remove(key);
  }
}
