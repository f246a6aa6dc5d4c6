package io.nines.store.documents;

import com.hazelcast.map.IMap;
import io.nines.common.Checks;
import io.nines.store.StoreUnavailableException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link Documents} in a cluster map of JSON strings, shared by every member; durable when the map
 * has a MapStore ({@code Database.documentMapStoreConfig}). Blocking: call it on a worker.
 *
 * <p><b>Bounded.</b> Every call waits at most {@code timeout} for the cluster. Hazelcast's own
 * calls have no such bound that a caller could rely on: while a network partition has not yet been
 * seen (up to {@code --cluster-heartbeat-timeout}) an operation on a partition owned by a member on
 * the other side waits for it, and is then retried; a worker was seen blocked 75 s in one {@code
 * get}. A call that takes longer fails ({@link StoreUnavailableException} for reads, {@link
 * IllegalStateException} for writes, as {@link Documents} promises), is logged with the map and the
 * key, and is counted ({@link #timeouts()}); the cluster may still complete a write that timed out
 * (its caller cannot know: a write here is idempotent, or a compare-and-set that is read again).
 */
public final class HazelcastDocuments implements Documents {
  /** How long a call waits for the cluster by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = Logger.getLogger(HazelcastDocuments.class.getName());

  /**
   * Runs the calls that have no asynchronous form ({@code putIfAbsent}, {@code delete}, reading
   * every entry), so that their callers can stop waiting; a call that hangs holds one of these
   * threads until Hazelcast gives up on it.
   */
  private static final ExecutorService BLOCKING_CALLS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "nines-documents-call");
            t.setDaemon(true);
            return t;
          });

  private final IMap<String, String> map;
  private final long timeoutMillis;
  private final LongAdder timeouts;

  /** Documents in {@code map}, each call bounded by {@link #DEFAULT_TIMEOUT}. */
  public HazelcastDocuments(IMap<String, String> map) {
    this(map, DEFAULT_TIMEOUT, new LongAdder());
  }

  /**
   * @param timeout how long a call waits for the cluster, at least 1 ms
   * @param timeouts counts the calls that took longer (may be shared by several maps)
   */
  public HazelcastDocuments(IMap<String, String> map, Duration timeout, LongAdder timeouts) {
    this.map = Checks.notNull(map, "map");
    Checks.notNull(timeout, "timeout");
    Checks.checkArgument(timeout.toMillis() >= 1, "timeout: %s (expected: at least 1 ms)", timeout);
    this.timeoutMillis = timeout.toMillis();
    this.timeouts = Checks.notNull(timeouts, "timeouts");
  }

  /** How many calls through this object (or others sharing its counter) took too long. */
  public long timeouts() {
    return timeouts.sum();
  }

  @Override
  public Map<String, String> all() {
    return read("every document", () -> call(() -> new LinkedHashMap<>(map)));
  }

  @Override
  public String get(String key) {
    return read("'" + key + "'", () -> map.getAsync(key));
  }

  @Override
  public void put(String key, String json) {
    write(key, () -> map.setAsync(key, json));
  }

  @Override
  public boolean putIfAbsent(String key, String json) {
    return write(key, () -> call(() -> map.putIfAbsent(key, json) == null));
  }

  @Override
  public void remove(String key) {
    write(
        key,
        () ->
            call(
                () -> {
                  map.delete(key);
                  return null;
                }));
  }

  private static <T> CompletionStage<T> call(Supplier<T> blocking) {
    return CompletableFuture.supplyAsync(blocking, BLOCKING_CALLS);
  }

  private <T> T read(String what, Supplier<CompletionStage<T>> stage) {
    try {
      return await(stage.get(), "reading " + what);
    } catch (RuntimeException e) {
      throw e instanceof StoreUnavailableException s
          ? s
          : new StoreUnavailableException(
              "reading "
                  + what
                  + " from the cluster map '"
                  + map.getName()
                  + "' failed: "
                  + e.getMessage(),
              e);
    }
  }

  private <T> T write(String key, Supplier<CompletionStage<T>> stage) {
    try {
      return await(stage.get(), "writing '" + key + "'");
    } catch (RuntimeException e) {
      throw failed(key, e);
    }
  }

  /**
   * The stage's value, waiting at most the timeout.
   *
   * @throws StoreUnavailableException when it took longer (logged and counted)
   * @throws RuntimeException what the cluster failed with
   */
  private <T> T await(CompletionStage<T> stage, String doing) {
    CompletableFuture<T> f = stage.toCompletableFuture();
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      timeouts.increment();
      String message =
          doing
              + " in the cluster map '"
              + map.getName()
              + "' took longer than "
              + timeoutMillis
              + " ms (a member that owns it may be cut off, or the cluster split; it is tried"
              + " again by the next call)";
      LOG.log(Level.WARNING, message);
      throw new StoreUnavailableException(message, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException(
          doing + " in the cluster map '" + map.getName() + "' was interrupted", e);
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
