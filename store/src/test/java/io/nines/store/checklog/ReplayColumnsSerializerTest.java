package io.nines.store.checklog;

import static io.nines.store.checklog.CheckLogTest.NOW;
import static io.nines.store.checklog.CheckLogTest.RULES;
import static io.nines.store.checklog.CheckLogTest.assertSameState;
import static io.nines.store.checklog.CheckLogTest.at;
import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.internal.serialization.impl.compact.Schema;
import com.hazelcast.internal.serialization.impl.compact.SchemaService;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.store.results.Evaluation;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The flat formats ({@link ReplayColumns}, {@link ApplyBatchesColumns}) and the first ones ({@link
 * ReplayPartition}, {@link ApplyBatches}): each read back as itself, with every check's change (or
 * batch) as written; and which one goes to which member.
 */
class ReplayColumnsSerializerTest {

  /** Hazelcast's serialization with our Compact serializers and an in-memory schema registry. */
  static InternalSerializationService serialization() {
    SerializationConfig config = new SerializationConfig();
    for (CompactSerializer<?> s : Serializers.all()) {
      config.getCompactSerializationConfig().addSerializer(s);
    }
    Map<Long, Schema> schemas = new ConcurrentHashMap<>();
    SchemaService registry =
        new SchemaService() {
          @Override
          public Schema get(long id) {
            return schemas.get(id);
          }

          @Override
          public void put(Schema schema) {
            schemas.put(schema.getSchemaId(), schema);
          }

          @Override
          public void putLocal(Schema schema) {
            put(schema);
          }
        };
    return new DefaultSerializationServiceBuilder()
        .setConfig(config)
        .setSchemaService(registry)
        .build();
  }

  /** A failed result with every field set: nanoseconds, a failure, retries, phases, diagnostics. */
  static ProbeResult rich(Map<String, Double> phases, JsonObject diagnostics) {
    return new ProbeResult(
        "a",
        2,
        "home",
        "eu",
        at(120).plusNanos(123_456_789),
        87,
        false,
        new Failure(FailureKind.TIMEOUT, null, "no answer in 10 s"),
        3,
        phases,
        diagnostics);
  }

  /** Several checks' changes: as an owner made them, and one of a hot log with every field set. */
  static Map<String, ApplyBatch.ReplayChange> changes() {
    Map<String, ApplyBatch.ReplayChange> out = new LinkedHashMap<>();
    CheckLog home = new CheckLog("home");
    home.apply(List.of(ok("a", 1, "home", "eu", at(600))), RULES, NOW.minusSeconds(500), "m1");
    ProbeResult rich =
        rich(
            Map.of("dns", 1.5, "connect", 2.25, "total", 87.0),
            new JsonObject().put("status", 503).put("body", "über"));
    CheckLog.Applied applied =
        home.apply(
            List.of(
                rich,
                ok("b", 7, "home", "us", at(60)),
                fail("b", 8, "home", "us", at(30)),
                ok("a", 3, "home", "eu", at(7200))), // refused: past the retention
            RULES,
            NOW,
            "m1");
    assertThat(applied.change().refused()).hasSize(1);
    assertThat(applied.change().evaluation()).isNotNull();
    assertThat(applied.change().history()).isNotEmpty();
    out.put("home", new ApplyBatch.ReplayChange(applied.change(), RULES));

    CheckRules other =
        new CheckRules(
            Duration.ofDays(7),
            Duration.ofMinutes(1),
            Duration.ofSeconds(90),
            new DownWhen(1),
            Duration.ofDays(400));
    Instant hour = Instant.parse("2026-04-10T11:00:00Z");
    CheckLog.Change hot =
        new CheckLog.Change(
            List.of(ok("c", 11, "shop", "ap", at(5))),
            List.of(),
            NOW.minus(Duration.ofDays(7)),
            null,
            List.of(
                new HistorySlice(
                    "ap",
                    hour,
                    hour.plusSeconds(3600),
                    List.of(
                        new Interval(hour, hour.plusSeconds(90), State.UP),
                        new Interval(hour.plusSeconds(90), hour.plusSeconds(180), State.DOWN))),
                new HistorySlice("eu", hour, hour.plusSeconds(3600), List.of())),
            hour,
            hour.minusSeconds(7200),
            List.of(new HourRef("ap", hour.minusSeconds(3600))),
            List.of(new HourRef("ap", hour), new HourRef("eu", hour)),
            Duration.ofSeconds(90));
    out.put("shop", new ApplyBatch.ReplayChange(hot, other));

    CheckLog.Change evaluatedOnly =
        new CheckLog.Change(
            List.of(),
            List.of(fail("d", 3, "api", "eu", at(10))),
            NOW.minusSeconds(3600),
            new Evaluation(State.DOWN, at(100), NOW, 42, "m2"));
    out.put("api", new ApplyBatch.ReplayChange(evaluatedOnly, RULES));
    return out;
  }

  static void assertSameReplays(ReplayPartition actual, Map<String, ApplyBatch.ReplayChange> want) {
    assertThat(actual.byCheck.keySet()).containsExactlyElementsOf(want.keySet());
    want.forEach(
        (check, replay) -> {
          assertThat(actual.byCheck.get(check).change).as(check).isEqualTo(replay.change);
          assertThat(actual.byCheck.get(check).rules).as(check).isEqualTo(replay.rules);
        });
  }

  @Test
  void whenTheFlatBackupIsSerialized_thenItIsReadBackAsItselfWithEveryChangeAsWritten() {
    InternalSerializationService ss = serialization();
    Map<String, ApplyBatch.ReplayChange> changes = changes();

    Data data = ss.toData(new ReplayColumns(changes));
    Object back = ss.toObject(data);

    assertThat(back).isExactlyInstanceOf(ReplayColumns.class);
    assertSameReplays((ReplayPartition) back, changes);
    // Not the same bytes: a result's phases are an immutable map, whose order is not kept.
    assertSameReplays((ReplayPartition) ss.toObject(ss.toData(back)), changes);
  }

  @Test
  void whenABackupInTheFirstFormatArrives_thenItIsStillReadAsTheFirstFormat() {
    InternalSerializationService ss = serialization();
    Map<String, ApplyBatch.ReplayChange> changes = changes();

    Object back = ss.toObject(ss.toData(new ReplayPartition(changes)));

    assertThat(back).isExactlyInstanceOf(ReplayPartition.class);
    assertSameReplays((ReplayPartition) back, changes);
  }

  @Test
  void whenTheFlatBackupIsReplayed_thenTheBackupHoldsWhatTheOwnerHolds() {
    InternalSerializationService ss = serialization();
    CheckLog owner = new CheckLog("home");
    CheckLog backup = new CheckLog("home");
    List<List<ProbeResult>> batches =
        List.of(
            List.of(ok("a", 1, "home", "eu", at(3000)), ok("a", 2, "home", "eu", at(120))),
            List.of(fail("a", 4, "home", "eu", at(60)), fail("b", 9, "home", "us", at(50))),
            List.of(ok("a", 5, "home", "eu", at(10)), ok("a", 6, "home", "eu", at(7200))));
    for (List<ProbeResult> batch : batches) {
      CheckLog.Change change = owner.apply(batch, RULES, NOW, "owner").change();
      ReplayColumns sent =
          new ReplayColumns(Map.of("home", new ApplyBatch.ReplayChange(change, RULES)));
      ReplayColumns got = (ReplayColumns) ss.toObject(ss.toData(sent));
      backup.replay(got.byCheck.get("home").change);
    }
    assertSameState(backup, owner);
  }

  @Test
  void whenSomeMemberDoesNotSayItReadsTheFlatFormat_thenOwnersSendTheFirst() {
    Member reads = member(Map.of(ReplayColumns.MEMBER_ATTRIBUTE, "1"));
    Member older = member(Map.of());

    assertThat(ReplayColumns.readByAll(List.of(reads, reads))).isTrue();
    assertThat(ReplayColumns.readByAll(List.of(reads, older, reads))).isFalse();
  }

  static List<ApplyBatch> batches() {
    ProbeResult rich = rich(Map.of("dns", 1.5, "total", 87.0), new JsonObject().put("status", 503));
    CheckRules other =
        new CheckRules(
            Duration.ofDays(7),
            Duration.ofMinutes(1),
            Duration.ofSeconds(90),
            new DownWhen(1),
            Duration.ofDays(400));
    return List.of(
        new ApplyBatch(List.of(rich, ok("b", 7, "home", "us", at(60))), RULES, NOW),
        new ApplyBatch(List.of(), other, NOW.plusNanos(5)),
        new ApplyBatch(List.of(fail("c", 1, "api", "ap", at(1))), other, NOW));
  }

  static void assertSameBatches(ApplyBatches actual, List<String> checkIds, List<ApplyBatch> want) {
    assertThat(actual.mapName).isEqualTo("nines.checks");
    assertThat(actual.checkIds).isEqualTo(checkIds);
    assertThat(actual.batches).hasSameSizeAs(want);
    for (int i = 0; i < want.size(); i++) {
      assertThat(actual.batches.get(i).results).isEqualTo(want.get(i).results);
      assertThat(actual.batches.get(i).rules).isEqualTo(want.get(i).rules);
      assertThat(actual.batches.get(i).now).isEqualTo(want.get(i).now);
    }
  }

  @Test
  void whenTheFlatTaskIsSerialized_thenItIsReadBackAsItselfWithEveryBatchAsWritten() {
    InternalSerializationService ss = serialization();
    List<String> checkIds = List.of("home", "shop", "api");

    Object back =
        ss.toObject(ss.toData(new ApplyBatchesColumns("nines.checks", checkIds, batches())));

    assertThat(back).isExactlyInstanceOf(ApplyBatchesColumns.class);
    assertSameBatches((ApplyBatches) back, checkIds, batches());
  }

  @Test
  void whenATaskInTheFirstFormatArrives_thenItIsStillReadAsTheFirstFormat() {
    InternalSerializationService ss = serialization();
    List<String> checkIds = List.of("home", "shop", "api");

    Object back = ss.toObject(ss.toData(new ApplyBatches("nines.checks", checkIds, batches())));

    assertThat(back).isExactlyInstanceOf(ApplyBatches.class);
    assertSameBatches((ApplyBatches) back, checkIds, batches());
  }

  @Test
  void whenTheOwnerDoesNotSayItReadsTheFlatFormat_thenItsShareIsSentInTheFirst() {
    Member reads = member(Map.of(ReplayColumns.MEMBER_ATTRIBUTE, "1"));
    Member older = member(Map.of());

    assertThat(
            ApplyBatchesColumns.forMember(
                reads, "nines.checks", List.of("home"), batches().subList(0, 1)))
        .isExactlyInstanceOf(ApplyBatchesColumns.class);
    assertThat(
            ApplyBatchesColumns.forMember(
                older, "nines.checks", List.of("home"), batches().subList(0, 1)))
        .isExactlyInstanceOf(ApplyBatches.class);
  }

  @Test
  void whenAMemberSaysAVersion_thenItReadsTheFlatFormatsOfThatVersionAndEarlierOnly() {
    assertThat(ReplayColumns.MEMBER_ATTRIBUTE).isEqualTo("nines.columns");
    assertThat(
            ReplayColumns.readByAll(List.of(member(Map.of(ReplayColumns.MEMBER_ATTRIBUTE, "2")))))
        .isTrue();
    for (String said : new String[] {"0", "", "yes", " "}) {
      assertThat(ApplyBatchesColumns.readBy(member(Map.of(ReplayColumns.MEMBER_ATTRIBUTE, said))))
          .as("says %s", said)
          .isFalse();
    }
  }

  /** The fields of a flat record as its serializer writes them, by name. */
  static Map<String, Object> fieldsOf(Consumer<CompactWriter> write) {
    Map<String, Object> fields = new HashMap<>();
    write.accept(
        (CompactWriter)
            Proxy.newProxyInstance(
                CompactWriter.class.getClassLoader(),
                new Class<?>[] {CompactWriter.class},
                (proxy, m, args) -> {
                  fields.put((String) args[0], args[1]);
                  return null;
                }));
    return fields;
  }

  static CompactReader readerOf(Map<String, Object> fields) {
    return (CompactReader)
        Proxy.newProxyInstance(
            CompactReader.class.getClassLoader(),
            new Class<?>[] {CompactReader.class},
            (proxy, m, args) -> fields.get((String) args[0]));
  }

  @Test
  void
      whenABackupsCountsSayFewerResultsThanItsColumnsHold_thenReadingItFailsInsteadOfDroppingThem() {
    Map<String, Object> fields =
        fieldsOf(w -> new ReplayColumnsSerializer().write(w, new ReplayColumns(changes())));
    int[] refused = (int[]) fields.get("refusedCounts");
    int last = refused.length - 1;
    assertThat(refused[last]).isEqualTo(1); // "api": one refused result, the last written
    refused[last] = 0;

    assertThatThrownBy(() -> new ReplayColumnsSerializer().read(readerOf(fields)))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasMessageContaining("nines.ReplayColumns")
        .hasMessageContaining("results");
  }

  @Test
  void whenABackupsColumnIsShort_thenReadingItFailsAsASerializationError() {
    Map<String, Object> fields =
        fieldsOf(w -> new ReplayColumnsSerializer().write(w, new ReplayColumns(changes())));
    long[] sequences = (long[]) fields.get("resultSequences");
    fields.put("resultSequences", Arrays.copyOf(sequences, sequences.length - 1));

    assertThatThrownBy(() -> new ReplayColumnsSerializer().read(readerOf(fields)))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasMessageContaining("nines.ReplayColumns");
  }

  /** The fields of the flat share of {@link #batches()}, as its serializer writes them. */
  static Map<String, Object> shareFields() {
    return fieldsOf(
        w ->
            new ApplyBatchesColumnsSerializer()
                .write(
                    w,
                    new ApplyBatchesColumns(
                        "nines.checks", List.of("home", "shop", "api"), batches())));
  }

  @Test
  void whenAShareNamesAStringThatIsNotThere_thenReadingItFailsAsASerializationError() {
    Map<String, Object> fields = shareFields();
    int[] agents = (int[]) fields.get("resultAgents");
    agents[0] = ((String[]) fields.get("strings")).length; // one past the last string

    assertThatThrownBy(() -> new ApplyBatchesColumnsSerializer().read(readerOf(fields)))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasMessageContaining("nines.ApplyBatchesColumns");
  }

  @Test
  void whenAShareHoldsMoreResultsThanItsCountsSay_thenReadingItFails() {
    Map<String, Object> fields = shareFields();
    int[] counts = (int[]) fields.get("resultCounts");
    counts[0] = counts[0] - 1;

    assertThatThrownBy(() -> new ApplyBatchesColumnsSerializer().read(readerOf(fields)))
        .isInstanceOf(HazelcastSerializationException.class)
        .hasMessageContaining("results");
  }

  private static Member member(Map<String, String> attributes) {
    return (Member)
        Proxy.newProxyInstance(
            Member.class.getClassLoader(),
            new Class<?>[] {Member.class},
            (proxy, method, args) -> {
              if (method.getName().equals("getAttribute")) {
                return attributes.get((String) args[0]);
              }
              throw new UnsupportedOperationException(method.getName());
            });
  }
}
