package io.nines.store.results;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.partition.PartitionService;
import com.hazelcast.spi.exception.RetryableException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.nines.availability.Timeline;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.checklog.ApplyBatch;
import io.nines.store.checklog.ApplyBatches;
import io.nines.store.checklog.ApplyBatchesColumns;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.CheckLogMergePolicy;
import io.nines.store.checklog.CheckRules;
import io.nines.store.checklog.CountResults;
import io.nines.store.checklog.HistorySlice;
import io.nines.store.checklog.HistorySlices;
import io.nines.store.checklog.HotRead;
import io.nines.store.checklog.NinesOperations;
import io.nines.store.checklog.ReadCheck;
import io.nines.store.checklog.ReplayColumns;
import io.nines.store.checklog.ResultList;
import io.nines.store.checklog.Serializers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link ResultStore} in a Hazelcast cluster: one entry per check in the map {@value #MAP_NAME},
 * keyed by check id, so a check's results and its evaluation live in one partition.
 *
 * <p><b>Writes.</b> {@link #append} splits the results by check, groups the checks by the member
 * that owns their partition, and sends each other member its share in ONE operation (an {@link
 * ApplyBatches} task on the executor {@value #EXECUTOR_NAME}); this member's own share it applies
 * itself. On the owner, the share's checks are grouped by partition and each partition is applied
 * by ONE {@link io.nines.store.checklog.ApplyPartitionOperation} ({@link ApplyBatches#applyAll}), a
 * local invocation: it runs each check's entry processor on the partition thread, which decides
 * everything there (duplicates, refusals, retention, the evaluation). Its ONE backup operation
 * replays every check's decision on the synchronous backup ({@link #configure}'s {@code
 * backupCount}); the operation completes after the backup acknowledged, the owner's task after all
 * its partitions' did, and the returned future after every owner's. So when the agent hears
 * "accepted", losing any one member loses nothing. A failed share fails the whole future; shares
 * that did apply are duplicates when the agent sends the batch again. ({@link ApplyBatches} says
 * why not {@code IMap.submitToKeys}: its backups are asynchronous.) Every partition operation
 * fails, rather than completes, when its backup did not acknowledge within Hazelcast's backup
 * timeout ({@link #FAIL_ON_INDETERMINATE_STATE}), and a duplicate too is acknowledged only once the
 * backup holds it ({@link ApplyBatch}).
 *
 * <p><b>Reads</b> run on the owner too (read-only processors), so any member answers any request
 * with what was acknowledged, and only the slice asked for travels.
 *
 * <p><b>Threads.</b> Nothing blocks the caller except {@link #size()}'s aggregation, which runs on
 * a Vert.x worker. Futures complete on the Vert.x context that was current when the method was
 * called (an event loop's, for a request handler), via {@link Future#fromCompletionStage(
 * CompletionStage, Context)}. Cluster failures come as {@link StoreUnavailableException}.
 */
public final class HazelcastResultStore implements ResultStore {

  /** The map of checks: check id to its results, consumed sequences and last evaluation. */
  public static final String MAP_NAME = "nines.checks";

  /**
   * The Hazelcast property that {@link #configure} sets to {@code true}, whatever it was: an
   * operation whose synchronous backup did not acknowledge within {@code
   * hazelcast.operation.backup.timeout.millis} (5 s) then fails with {@link
   * com.hazelcast.core.IndeterminateOperationStateException} instead of completing as if the backup
   * had answered (Hazelcast's default: the owner's answer is returned while only the owner holds
   * the change, so an agent would hear "accepted" for a result that a crash of the owner, or a
   * split cluster's merge, could lose). It also makes an operation whose target left mid-way fail
   * (with that exception, or {@link MemberLeftException}) rather than run again on the new owner.
   * Both reach the agent as {@link StoreUnavailableException} ("send it again"); {@link ApplyBatch}
   * is idempotent, so that is safe. Reads are sent again by the store itself.
   */
  public static final String FAIL_ON_INDETERMINATE_STATE =
      "hazelcast.operation.fail.on.indeterminate.state";

  /** The executor that runs each owner's share of a batch ({@link ApplyBatches}). */
  public static final String EXECUTOR_NAME = "nines.apply";

  /**
   * Threads of {@value #EXECUTOR_NAME} on each member. A task holds its thread while its checks'
   * operations run on the partition threads and their backups answer, so there should be about as
   * many as batches in flight from all members together.
   */
  static final int EXECUTOR_THREADS = 16;

  /**
   * The most one share of a write (one owner's checks) may take before {@link #append} fails it
   * with {@link StoreUnavailableException}, so that the agent sends the batch again (a share that
   * did apply meanwhile comes back as duplicates). Hazelcast bounds neither an executor task whose
   * member keeps sending operation heartbeats nor an invocation whose response or backup
   * acknowledgement never comes back; without this bound such a write neither completes nor fails.
   * Twice the backup timeout (5 s): a share whose backup does not answer fails by itself after
   * that; the agent's own post timeout is 10 s too.
   */
  public static final Duration SHARE_TIMEOUT = Duration.ofSeconds(10);

  private final HazelcastInstance hazelcast;
  private final Vertx vertx;
  private final IMap<String, CheckLog> checks;
  private final Duration shareTimeout;

  /**
   * @param hazelcast a member whose configuration went through {@link #configure}
   * @param vertx where futures complete and {@link #size()} finds a worker
   */
  public HazelcastResultStore(HazelcastInstance hazelcast, Vertx vertx) {
    this(hazelcast, vertx, SHARE_TIMEOUT);
  }

  /**
   * {@link #HazelcastResultStore(HazelcastInstance, Vertx)} with another bound on each share of a
   * write than {@link #SHARE_TIMEOUT} (tests).
   */
  HazelcastResultStore(HazelcastInstance hazelcast, Vertx vertx, Duration shareTimeout) {
    this.hazelcast = Checks.notNull(hazelcast, "hazelcast");
    this.vertx = Checks.notNull(vertx, "vertx");
    Checks.notNull(shareTimeout, "shareTimeout");
    Checks.checkArgument(
        !shareTimeout.isNegative() && !shareTimeout.isZero(),
        "shareTimeout: %s (expected: positive)",
        shareTimeout);
    this.shareTimeout = shareTimeout;
    Checks.checkArgument(
        hazelcast.getConfig().getMapConfigOrNull(MAP_NAME) != null,
        "hazelcast: its configuration has no map '%s' (expected: a configuration passed through"
            + " HazelcastResultStore.configure)",
        MAP_NAME);
    this.checks = hazelcast.getMap(MAP_NAME);
  }

  /**
   * Adds what this store needs to a member's configuration: the checks map with {@code backupCount}
   * synchronous backups, values held as objects (so a batch does not deserialize the check's whole
   * history), the split-brain merge policy that unites both sides' results, the Compact
   * serializers, the factory of the partition operation ({@link NinesOperations}), a
   * Java-serialization filter that refuses every {@code io.nines} class, and {@link
   * #FAIL_ON_INDETERMINATE_STATE} (for every map of the member: the property is Hazelcast's, not a
   * map's).
   *
   * @param backupCount synchronous backups of each check, 1 to 6; with {@code n}, losing any {@code
   *     n} members at once loses nothing
   * @return {@code config}
   */
  public static Config configure(Config config, int backupCount) {
    return configure(config, backupCount, null);
  }

  /**
   * {@link #configure(Config, int)} with a durable store behind the checks map: {@code mapStore}
   * (from {@code Database.mapStoreConfig()}) writes every change behind, and loads the stored
   * checks when the map is first used. Each change is then also recorded in its check's log until
   * the store has written it (on backups, for {@link ApplyBatch#BACKUP_PENDING_WINDOW}).
   *
   * @param mapStore the checks map's store, or null for none (memory only)
   */
  public static Config configure(Config config, int backupCount, MapStoreConfig mapStore) {
    Checks.notNull(config, "config");
    Checks.checkArgument(
        backupCount >= 1 && backupCount <= 6,
        "backupCount: %s (expected: 1 to 6; results are acknowledged once backed up)",
        backupCount);
    MapConfig checks =
        new MapConfig(MAP_NAME)
            .setBackupCount(backupCount)
            .setAsyncBackupCount(0)
            .setReadBackupData(false)
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setMergePolicyConfig(
                new MergePolicyConfig(
                    CheckLogMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
    if (mapStore != null) {
      // Not offloaded: an offloaded entry operation (Hazelcast 5.3's default for a map with a
      // MapStore) does not wait for the map's bulk load (RecordStore.checkIfLoaded), so a batch
      // applied to a check between the load's read of it and its put was acknowledged and then
      // replaced by the value read before it (InitialLoadRaceIT). The bulk load runs at the
      // cluster's first use of the map, and again on a member that takes over partitions it held
      // no replica of (the cut-off side of a split). Not offloaded, every operation on the map
      // waits until the load is done, and a miss is loaded on the partition thread (rare: a new
      // check, or one that expired).
      checks.setMapStoreConfig(new MapStoreConfig(mapStore).setOffload(false));
      config.getUserContext().put(ApplyBatch.DURABLE_KEY, Boolean.TRUE);
    }
    config.addMapConfig(checks);
    // This member reads the flat formats: others send them to it once it says so.
    config
        .getMemberAttributeConfig()
        .setAttribute(ReplayColumns.MEMBER_ATTRIBUTE, String.valueOf(ReplayColumns.FORMAT_VERSION));
    for (CompactSerializer<?> s : Serializers.all()) {
      config.getSerializationConfig().getCompactSerializationConfig().addSerializer(s);
    }
    config
        .getSerializationConfig()
        .setJavaSerializationFilterConfig(
            new JavaSerializationFilterConfig()
                .setDefaultsDisabled(true)
                .setBlacklist(new ClassFilter().addPrefixes("io.nines.")));
    config.getUserContext().putIfAbsent(ApplyBatch.EVALUATIONS_KEY, new LongAdder());
    config.setProperty(FAIL_ON_INDETERMINATE_STATE, "true");

    config.getUserContext().putIfAbsent(ApplyBatches.TASKS_KEY, new LongAdder());
    config.getUserContext().putIfAbsent(ApplyBatches.PARTITION_OPERATIONS_KEY, new LongAdder());
    config.getUserContext().putIfAbsent(ApplyBatches.PARTITION_CHECKS_KEY, new LongAdder());
    config
        .getSerializationConfig()
        .addDataSerializableFactory(NinesOperations.FACTORY_ID, new NinesOperations());
    config.addExecutorConfig(
        new ExecutorConfig(EXECUTOR_NAME).setPoolSize(EXECUTOR_THREADS).setStatisticsEnabled(true));
    return config;
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Checks.notNull(fleet, "fleet");
    Checks.notNull(now, "now");
    Context context = vertx.getOrCreateContext();
    Batches batches = Batches.split(results, fleet);
    return appendWhenOwnersKnown(
        batches, fleet, now, context, System.nanoTime() + OWNER_WAIT.toNanos());
  }

  /**
   * How long an append waits for every partition it writes to have a known owner: after a member
   * died, until a backup is promoted (milliseconds); on a member that has just joined, until the
   * partition table arrives. Then the batch fails with {@link StoreUnavailableException} (the agent
   * sends it again). Nothing is applied while it waits.
   */
  static final Duration OWNER_WAIT = Duration.ofSeconds(5);

  private Future<AppendOutcome> appendWhenOwnersKnown(
      Batches batches, Fleet fleet, Instant now, Context context, long deadlineNanos) {
    PartitionService partitions = hazelcast.getPartitionService();
    String ownerless = null;
    try {
      for (String checkId : batches.byCheck.keySet()) {
        if (partitions.getPartition(checkId).getOwner() == null) {
          ownerless = checkId;
          break;
        }
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    if (ownerless != null && System.nanoTime() < deadlineNanos) {
      Promise<AppendOutcome> later = Promise.promise();
      vertx.setTimer(
          100,
          id ->
              appendWhenOwnersKnown(batches, fleet, now, context, deadlineNanos).onComplete(later));
      return later.future();
    }
    return applyByOwner(batches, fleet, now, context);
  }

  private Future<AppendOutcome> applyByOwner(
      Batches batches, Fleet fleet, Instant now, Context context) {
    Duration skew = Duration.ofMillis(MAX_CLOCK_SKEW_MILLIS);
    List<Future<AppendOutcome>> shares = new ArrayList<>();
    try {
      // The checks grouped by the member that owns their partition now; null: this member. A
      // partition still without a known owner after OWNER_WAIT (a member that has not received the
      // partition table yet, just after it joined) fails the batch: its operations would retry into
      // the start-up exchange of the table, where an operation was seen never answered
      // (docs/cluster.md).
      Map<Member, Share> byOwner = new LinkedHashMap<>();
      Member self = hazelcast.getCluster().getLocalMember();
      PartitionService partitions = hazelcast.getPartitionService();
      batches.byCheck.forEach(
          (checkId, ofCheck) -> {
            CheckRules rules = CheckRules.of(batches.checks.get(checkId), fleet.settings(), skew);
            Member owner = partitions.getPartition(checkId).getOwner();
            if (owner == null) {
              throw new StoreUnavailableException(
                  "this member does not know the owner of the partition of check '"
                      + checkId
                      + "' after "
                      + OWNER_WAIT.toSeconds()
                      + " s (it has just joined, or the partition lost every replica);"
                      + " send the batch again",
                  null);
            }
            byOwner
                .computeIfAbsent(owner.equals(self) ? null : owner, o -> new Share())
                .add(checkId, new ApplyBatch(ofCheck, rules, now));
          });
      byOwner.forEach(
          (owner, share) ->
              shares.add(
                  owner == null ? applyHere(share, context) : applyOn(owner, share, context)));
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return Future.all(shares)
        .map(
            all -> {
              Batches.Combiner outcome = batches.combiner();
              shares.forEach(f -> outcome.add(f.result()));
              return outcome.result();
            });
  }

  /** Several checks' processors, bound for one member. */
  private static final class Share {
    final List<String> checkIds = new ArrayList<>();
    final List<ApplyBatch> batches = new ArrayList<>();

    void add(String checkId, ApplyBatch batch) {
      checkIds.add(checkId);
      batches.add(batch);
    }
  }

  /**
   * Applies a share whose partitions this member owns: one local partition operation per partition
   * ({@link ApplyBatches#applyAll}), one future for all of them.
   */
  private Future<AppendOutcome> applyHere(Share share, Context context) {
    CompletableFuture<AppendOutcome> stage;
    try {
      stage = ApplyBatches.applyAll(checks, share.checkIds, share.batches);
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return Future.fromCompletionStage(bounded(stage, "this member", share), context)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * {@code done}, failed with {@link StoreUnavailableException} if it has not completed within
   * {@link #shareTimeout}. The operations may still complete in the cluster; the agent's resend
   * then finds their results as duplicates.
   */
  private CompletableFuture<AppendOutcome> bounded(
      CompletableFuture<AppendOutcome> done, String where, Share share) {
    long timer =
        vertx.setTimer(
            shareTimeout.toMillis(),
            id ->
                done.completeExceptionally(
                    new StoreUnavailableException(
                        "the cluster did not apply "
                            + share.checkIds.size()
                            + " check(s) of the batch (first: '"
                            + share.checkIds.get(0)
                            + "') on "
                            + where
                            + " within "
                            + shareTimeout.toMillis()
                            + " ms; send the batch again",
                        new TimeoutException("share timeout"))));
    done.whenComplete((r, e) -> vertx.cancelTimer(timer));
    return done;
  }

  /**
   * Applies a share on its owner with ONE operation: an {@link ApplyBatches} task run by the
   * owner's executor {@value #EXECUTOR_NAME}. If the owner left before running it (or while it
   * ran), or could not read it ({@link #ownerGone}), the share is applied from here instead, one
   * operation per partition (Hazelcast finds each partition's new owner): checks the task already
   * applied come back as duplicates, so the batch is either wholly stored or the future fails,
   * never acknowledged in part.
   */
  private Future<AppendOutcome> applyOn(Member owner, Share share, Context context) {
    CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
    hazelcast
        .getExecutorService(EXECUTOR_NAME)
        .submitToMember(
            ApplyBatchesColumns.forMember(owner, MAP_NAME, share.checkIds, share.batches),
            owner,
            new ExecutionCallback<AppendOutcome>() {
              @Override
              public void onResponse(AppendOutcome response) {
                done.complete(response);
              }

              @Override
              public void onFailure(Throwable t) {
                if (ownerGone(t)) {
                  try {
                    ApplyBatches.applyAll(checks, share.checkIds, share.batches)
                        .whenComplete(
                            (r, e) -> {
                              if (e != null) {
                                done.completeExceptionally(e);
                              } else {
                                done.complete(r);
                              }
                            });
                  } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                  }
                } else {
                  done.completeExceptionally(t);
                }
              }
            });
    return Future.fromCompletionStage(bounded(done, "member " + owner, share), context)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * Whether {@code t} says that the member a task was sent to is no longer there, or could not read
   * the task (a member of an older version, during a rolling upgrade): then the share is applied
   * from this member instead.
   */
  static boolean ownerGone(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MemberLeftException
          || c instanceof TargetNotMemberException
          || c instanceof HazelcastInstanceNotActiveException
          || c instanceof HazelcastSerializationException
          || c instanceof ClassNotFoundException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    Context context = vertx.getOrCreateContext();
    return read(checkId, ReadCheck.between(from, to), context)
        .map(
            read -> {
              Map<String, List<ProbeResult>> byLocation = new LinkedHashMap<>();
              for (ProbeResult r : ((ResultList) read).results()) {
                byLocation.computeIfAbsent(r.location(), l -> new ArrayList<>()).add(r);
              }
              byLocation.replaceAll((l, rs) -> List.copyOf(rs));
              return byLocation;
            });
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    Checks.notNull(span, "span");
    Context context = vertx.getOrCreateContext();
    return read(checkId, ReadCheck.history(span.start(), span.end()), context)
        .map(
            read -> {
              Map<String, Timeline> out = new LinkedHashMap<>();
              for (HistorySlice slice : ((HistorySlices) read).slices()) {
                out.put(slice.location(), Timeline.of(span, slice.intervals()));
              }
              return out;
            });
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    Context context = vertx.getOrCreateContext();
    return read(checkId, ReadCheck.recent(limit), context)
        .map(read -> ((ResultList) read).results());
  }

  /**
   * Reads a check's hot part on its owner ({@link ReadCheck#hot}), for a read layer that merges it
   * with what a database holds ({@link TieredResultStore}).
   */
  public Future<HotRead> read(String checkId, ReadCheck read) {
    Checks.notNull(read, "read");
    Context context = vertx.getOrCreateContext();
    return submit(checkId, read, context).map(r -> (HotRead) r);
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    Context context = vertx.getOrCreateContext();
    return read(checkId, ReadCheck.evaluation(), context)
        .map(read -> Optional.ofNullable((Evaluation) read));
  }

  @Override
  public Future<Long> size() {
    return vertx
        .getOrCreateContext()
        .<Long>executeBlocking(() -> checks.aggregate(new CountResults()), false)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * How many evaluations this member has made since it started: those of the checks whose
   * partitions it owned when their batches arrived. Summed over the members, it equals the sum of
   * the checks' {@link Evaluation#count()}s unless a member died between evaluating and handing the
   * result to its backup (then the batch is evaluated again by the new owner, and only that
   * evaluation is kept).
   */
  public long evaluationsOnThisMember() {
    Object counter = hazelcast.getUserContext().get(ApplyBatch.EVALUATIONS_KEY);
    return counter instanceof LongAdder adder ? adder.sum() : 0;
  }

  /** The member this store talks through. */
  public HazelcastInstance hazelcast() {
    return hazelcast;
  }

  /**
   * {@code submitToKey}, bridged to {@code context}. A member that has stopped throws at once
   * rather than failing the stage; both come back as a failed future.
   */
  private <R> Future<R> submit(
      String checkId, EntryProcessor<String, CheckLog, R> processor, Context context) {
    CompletionStage<R> stage;
    try {
      stage = checks.submitToKey(checkId, processor);
    } catch (RuntimeException e) {
      return Future.failedFuture(translate(e));
    }
    return Future.fromCompletionStage(stage, context)
        .recover(e -> Future.failedFuture(translate(e)));
  }

  /**
   * {@link #submit} for a read-only processor, sent once more when the owner left while it ran:
   * with {@link #FAIL_ON_INDETERMINATE_STATE} Hazelcast no longer does that itself, and a read can
   * safely run twice.
   */
  private <R> Future<R> read(
      String checkId, EntryProcessor<String, CheckLog, R> processor, Context context) {
    return this.<R>submit(checkId, processor, context)
        .recover(
            e ->
                e.getCause() instanceof MemberLeftException
                        || e.getCause() instanceof IndeterminateOperationStateException
                    ? submit(checkId, processor, context)
                    : Future.failedFuture(e));
  }

  /**
   * A failure of the cluster (a member left or shut down, a timeout, a partition without an owner)
   * becomes a {@link StoreUnavailableException}; anything else, a bug, stays what it is.
   */
  static Throwable translate(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null
        && !(t instanceof MemberLeftException)) {
      t = t.getCause();
    }
    boolean clusterFailure =
        (t instanceof HazelcastException && !(t instanceof HazelcastSerializationException))
            || t instanceof HazelcastInstanceNotActiveException
            || t instanceof MemberLeftException
            || t instanceof RetryableException
            || t instanceof TimeoutException;
    if (!clusterFailure) {
      return t;
    }
    return new StoreUnavailableException(
        "the cluster could not answer ("
            + t.getClass().getSimpleName()
            + ": "
            + t.getMessage()
            + ")",
        t);
  }
}
