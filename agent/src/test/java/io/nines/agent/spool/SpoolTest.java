package io.nines.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  @TempDir Path dir;

  private SpoolOptions small() {
    // 4 KiB segments, at most 16 KiB: a 100-byte record fills a segment after ~37 records.
    return new SpoolOptions(dir, 16 * 1024, 4096, 0);
  }

  private static byte[] record(int i) {
    return String.format("%-100s", "record-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> records(int from, int toInclusive) {
    return IntStream.rangeClosed(from, toInclusive).mapToObj(SpoolTest::record).toList();
  }

  private static List<Integer> numbers(List<byte[]> records) {
    return records.stream()
        .map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8).strip().substring(7)))
        .toList();
  }

  private static List<Integer> readAll(Spool spool) throws IOException {
    return numbers(spool.read(Integer.MAX_VALUE).records());
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void whenRecordsAreAppended_thenTheyAreReadBackInOrder() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 3));
      spool.append(records(4, 100));
      assertThat(spool.pending()).isEqualTo(100);
      assertThat(segments()).hasSizeGreaterThan(1);
      assertThat(numbers(spool.read(10).records())).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
      assertThat(readAll(spool)).isEqualTo(IntStream.rangeClosed(1, 100).boxed().toList());
    }
  }

  @Test
  void whenAGroupIsLargerThanOneWrite_thenEveryRecordIsReadBackInOrderAlsoAfterAReopen()
      throws IOException {
    SpoolOptions options = new SpoolOptions(dir, 64 * 1024 * 1024, 1024 * 1024, 0);
    List<byte[]> group = new ArrayList<>(records(1, 2000)); // ~220 KB: several writes
    byte[] big = new byte[100 * 1024]; // larger than one write's chunk on its own
    java.util.Arrays.fill(big, (byte) 'x');
    group.add(1000, big);
    try (Spool spool = Spool.open(options)) {
      spool.append(group);
      assertThat(spool.pending()).isEqualTo(2001);
      List<byte[]> read = spool.read(Integer.MAX_VALUE).records();
      assertThat(read).hasSize(2001);
      for (int i = 0; i < group.size(); i++) {
        assertThat(read.get(i)).as("record %s", i).isEqualTo(group.get(i));
      }
    }
    try (Spool spool = Spool.open(options)) {
      List<byte[]> read = spool.read(Integer.MAX_VALUE).records();
      assertThat(read).hasSize(2001);
      assertThat(read.get(1000)).isEqualTo(big);
      assertThat(read.get(2000)).isEqualTo(record(2000));
    }
  }

  @Test
  void whenAppendsReadsAndAcksInterleave_thenEveryRecordComesBackExactlyOnceAndIntact()
      throws IOException {
    // Records of varied sizes (some larger than a read-ahead of 64 KiB), over 1 MiB segments, read
    // in small batches while more are appended, each batch acknowledged after the next read: the
    // bytes read back, the order, the cursor and the pending count are what was appended.
    SpoolOptions options = new SpoolOptions(dir, 64 * 1024 * 1024, 1024 * 1024, 0);
    java.util.Random random = new java.util.Random(19);
    List<byte[]> appended = new ArrayList<>();
    List<byte[]> read = new ArrayList<>();
    try (Spool spool = Spool.open(options)) {
      Spool.Read unacked = null;
      for (int round = 0; round < 300; round++) {
        List<byte[]> group = new ArrayList<>();
        for (int i = random.nextInt(20); i >= 0; i--) {
          int size =
              random.nextInt(50) == 0 ? 70_000 + random.nextInt(80_000) : 1 + random.nextInt(900);
          byte[] r = new byte[size];
          random.nextBytes(r);
          group.add(r);
        }
        spool.append(group);
        appended.addAll(group);
        Spool.Read batch = spool.read(1 + random.nextInt(30));
        if (unacked != null && !unacked.records().isEmpty()) {
          // Reading again before the ack returns the unacknowledged records first.
          assertThat(batch.records().get(0)).isEqualTo(unacked.records().get(0));
          spool.ack(unacked.end(), 0);
          read.addAll(unacked.records());
          batch = spool.read(1 + random.nextInt(30));
        }
        unacked = batch;
        assertThat(spool.pending()).isEqualTo(appended.size() - read.size());
      }
      if (!unacked.records().isEmpty()) {
        spool.ack(unacked.end(), 0);
        read.addAll(unacked.records());
      }
      for (Spool.Read rest = spool.read(1000); !rest.records().isEmpty(); rest = spool.read(1000)) {
        spool.ack(rest.end(), 0);
        read.addAll(rest.records());
      }
      assertThat(spool.pending()).isZero();
    }
    assertThat(read).hasSameSizeAs(appended);
    for (int i = 0; i < appended.size(); i++) {
      assertThat(read.get(i)).as("record %s", i).isEqualTo(appended.get(i));
    }
  }

  /**
   * A record of {@code size} bytes made from {@code n} (its first four bytes, when it has them).
   */
  private static byte[] sized(int n, int size) {
    byte[] r = new byte[size];
    for (int i = 0; i < size; i++) {
      r[i] = (byte) (n * 31 + i);
    }
    if (size >= 4) {
      ByteBuffer.wrap(r).putInt(0, n);
    }
    return r;
  }

  @Test
  void whenRecordsStraddleTheReadAheadOrOutgrowIt_thenEachIsReadIntactOnceEvenAtTheGrowingTail()
      throws IOException {
    // Sizes chosen so that, with the read-ahead starting at offset 4, the next header straddles
    // its 64 KiB end (8 + 65_524 bytes), then a payload does, then a record of 200 KB, then a
    // header exactly at the end; every record is read at the tail, one at a time, right after it
    // is appended, and acknowledged one read later (so the ack walks headers the read-ahead
    // already holds, and some it no longer does).
    int[] sizes = {65_524, 65_530, 10, 200_000, 65_528, 1, 65_536, 3, 131_072, 7, 65_000, 40_000};
    SpoolOptions options = new SpoolOptions(dir, 64 * 1024 * 1024, 1024 * 1024, 0);
    List<byte[]> appended = new ArrayList<>();
    List<byte[]> delivered = new ArrayList<>();
    try (Spool spool = Spool.open(options)) {
      Spool.Read previous = null;
      for (int round = 0; round < 3; round++) {
        for (int size : sizes) {
          byte[] r = sized(appended.size(), size);
          spool.append(List.of(r));
          appended.add(r);
          Spool.Read read = spool.read(1);
          if (previous != null) {
            assertThat(read.records().get(0)).isEqualTo(previous.records().get(0));
            spool.ack(previous.end(), 0);
            delivered.add(previous.records().get(0));
            read = spool.read(1);
          }
          assertThat(read.records()).hasSize(1);
          previous = read;
        }
      }
      spool.ack(previous.end(), 0);
      delivered.add(previous.records().get(0));
      assertThat(spool.pending()).isZero();
      assertThat(spool.read(10).records()).isEmpty();
    }
    assertThat(delivered).hasSameSizeAs(appended);
    for (int i = 0; i < appended.size(); i++) {
      assertThat(delivered.get(i)).as("record %s", i).isEqualTo(appended.get(i));
    }
  }

  @Test
  void whenTheSegmentUnderTheReadAheadIsDroppedOrTornAndReopened_thenNoStaleBytesAreServed()
      throws IOException {
    // 4 KiB segments, 16 KiB at most: reading the oldest segment fills the read-ahead with it; the
    // spool then drops it for space and reads on from the oldest kept one.
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 30));
      assertThat(numbers(spool.read(5).records())).containsExactly(1, 2, 3, 4, 5);
      spool.append(records(31, 400));
      List<Integer> left = readAll(spool);
      assertThat(left).endsWith(400);
      assertThat(left).isEqualTo(IntStream.rangeClosed(left.get(0), 400).boxed().toList());
      spool.ack(spool.read(Integer.MAX_VALUE).end(), 0);
      spool.append(records(401, 405));
      assertThat(readAll(spool)).containsExactly(401, 402, 403, 404, 405);
    }
    // A torn tail cut at open, then appended over: the new records, not the torn bytes.
    Path last = segments().get(segments().size() - 1);
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3}), ch.size());
    }
    try (Spool spool = Spool.open(small())) {
      assertThat(readAll(spool)).containsExactly(401, 402, 403, 404, 405);
      spool.append(records(406, 408));
      assertThat(readAll(spool)).containsExactly(401, 402, 403, 404, 405, 406, 407, 408);
    }
  }

  @Test
  void whenARecordIsReadButNotAcked_thenItIsReadAgain() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 5));
      Spool.Read first = spool.read(2);
      assertThat(numbers(spool.read(2).records())).containsExactly(1, 2);
      spool.ack(first.end(), 0);
      assertThat(numbers(spool.read(2).records())).containsExactly(3, 4);
      assertThat(spool.pending()).isEqualTo(3);
    }
  }

  @Test
  void whenReopened_thenReadingResumesAtTheAckedCursor() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 60));
      spool.ack(spool.read(45).end(), 0);
    }
    try (Spool spool = Spool.open(small())) {
      assertThat(spool.pending()).isEqualTo(15);
      assertThat(readAll(spool)).isEqualTo(IntStream.rangeClosed(46, 60).boxed().toList());
      spool.append(records(61, 62));
      assertThat(readAll(spool)).endsWith(60, 61, 62);
    }
  }

  @Test
  void whenSegmentsAreFullyAcked_thenTheirFilesAreDeleted() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 100));
      int before = segments().size();
      assertThat(before).isGreaterThanOrEqualTo(3);
      spool.ack(spool.read(100).end(), 0);
      assertThat(segments()).hasSize(1);
      assertThat(spool.pending()).isZero();
      assertThat(spool.read(10).records()).isEmpty();
      spool.append(records(101, 101));
      assertThat(readAll(spool)).containsExactly(101);
    }
  }

  @Test
  void whenTheLastRecordIsTorn_thenOpenCutsItAndKeepsEveryCompleteRecord() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 3));
    }
    Path last = segments().get(segments().size() - 1);
    long size = Files.size(last);
    // A crash in the middle of appending record 3: half of it reached the file.
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      ch.truncate(size - 50);
    }
    try (Spool spool = Spool.open(small())) {
      assertThat(Files.size(last)).isEqualTo(size - Spool.RECORD_HEADER_BYTES - 100);
      assertThat(readAll(spool)).containsExactly(1, 2);
      spool.append(records(4, 4));
      assertThat(readAll(spool)).containsExactly(1, 2, 4);
    }
  }

  @Test
  void whenATailOfZerosOrAFlippedByteFollows_thenOpenCutsFromTheBadRecord() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 3));
    }
    Path last = segments().get(0);
    long size = Files.size(last);
    try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
      // Corrupt a byte in record 3's payload, then add zeros as a file system may after a crash.
      ch.write(ByteBuffer.wrap(new byte[] {'X'}), size - 10);
      ch.write(ByteBuffer.allocate(64), size);
    }
    try (Spool spool = Spool.open(small())) {
      assertThat(readAll(spool)).containsExactly(1, 2);
      assertThat(spool.pending()).isEqualTo(2);
    }
  }

  @Test
  void whenTheSpoolIsFull_thenTheOldestSegmentsAreDroppedAndCounted() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 400));
      assertThat(spool.sizeBytes()).isLessThanOrEqualTo(16 * 1024);
      long kept = spool.pending();
      assertThat(spool.droppedTotal()).isEqualTo(400 - kept).isPositive();
      assertThat(spool.droppedUnreported()).isEqualTo(spool.droppedTotal());
      List<Integer> left = readAll(spool);
      // The newest results survive, contiguous, up to the last one.
      assertThat(left).hasSize((int) kept).endsWith(400);
      assertThat(left).isEqualTo(IntStream.rangeClosed(400 - (int) kept + 1, 400).boxed().toList());
    }
    try (Spool spool = Spool.open(small())) {
      // The count not yet reported survives a restart, and goes once the coordinator is told.
      long unreported = spool.droppedUnreported();
      assertThat(unreported).isPositive();
      Spool.Read read = spool.read(5);
      assertThat(read.dropped()).isEqualTo(unreported);
      spool.ack(read.end(), read.dropped());
      assertThat(spool.droppedUnreported()).isZero();
    }
  }

  @Test
  void whenAReadIsAckedAfterItsSegmentWasDropped_thenTheCursorDoesNotGoBack() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 10));
      Spool.Read inFlight = spool.read(10);
      spool.append(records(11, 400));
      Spool.Position cursor = spool.cursor();
      assertThat(cursor.segment()).isGreaterThan(inFlight.end().segment());
      spool.ack(inFlight.end(), 0);
      assertThat(spool.cursor()).isEqualTo(cursor);
      assertThat(readAll(spool)).endsWith(400);
    }
  }

  @Test
  void whenTheProcessDiesWithoutClosing_thenAReopenResumesWithNothingLost() throws IOException {
    Spool spool = Spool.open(small());
    spool.append(records(1, 80));
    spool.ack(spool.read(30).end(), 0);
    spool.read(20); // in flight when the process dies: not acked, so it comes again
    spool.append(records(81, 90));
    spool.abandon();
    try (Spool again = Spool.open(small())) {
      assertThat(readAll(again)).isEqualTo(IntStream.rangeClosed(31, 90).boxed().toList());
    }
  }

  @Test
  void whenTheCursorFileIsGarbage_thenEverythingLeftIsReplayed() throws IOException {
    try (Spool spool = Spool.open(small())) {
      spool.append(records(1, 10));
      spool.ack(spool.read(4).end(), 0);
    }
    Files.writeString(dir.resolve("cursor"), "{\"segm");
    try (Spool spool = Spool.open(small())) {
      assertThat(readAll(spool)).isEqualTo(IntStream.rangeClosed(1, 10).boxed().toList());
    }
  }

  @Test
  void whenAnotherSpoolHoldsTheDirectory_thenOpenFailsNamingIt() throws IOException {
    try (Spool spool = Spool.open(small())) {
      assertThatThrownBy(() -> Spool.open(small()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining("give each agent its own spool directory");
    }
    Spool.open(small()).close();
  }

  @Test
  void whenARecordIsTooLarge_thenNothingOfTheCallIsAppended() throws IOException {
    try (Spool spool = Spool.open(small())) {
      List<byte[]> batch = new ArrayList<>(records(1, 2));
      batch.add(new byte[SpoolOptions.MAX_RECORD_BYTES + 1]);
      assertThatThrownBy(() -> spool.append(batch)).hasMessageContaining("expected: 1 to");
      assertThat(spool.pending()).isZero();
    }
  }

  @Test
  void whenOptionsAreInconsistent_thenTheMessageSaysWhatWouldBeRight() {
    assertThatThrownBy(() -> new SpoolOptions(Path.of("x"), 8192, 8192, 0))
        .hasMessage("maxBytes: 8192 (expected: at least twice segmentBytes, 16384)");
    assertThatThrownBy(() -> SpoolOptions.defaults(Path.of("x")).withSyncIntervalMillis(-1))
        .hasMessage("syncIntervalMillis: -1 (expected: >= 0)");
  }

  /**
   * A disk that fills up in the middle of a write: the armed write takes half of what it is given
   * (a short write, as a full device gives), the write after it fails with ENOSPC's message.
   */
  private static final class FullDisk extends FileChannel {
    private final FileChannel file;
    boolean armed;
    private boolean failNext;

    FullDisk(FileChannel file) {
      this.file = file;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (failNext) {
        failNext = false;
        throw new IOException("No space left on device");
      }
      if (armed && src.remaining() > 1) {
        armed = false;
        failNext = true;
        ByteBuffer half = src.slice().limit(src.remaining() / 2);
        int n = file.write(half);
        src.position(src.position() + n);
        return n;
      }
      return file.write(src);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return file.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
      return file.read(dsts, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      return file.write(srcs, offset, length);
    }

    @Override
    public long position() throws IOException {
      return file.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
      file.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
      file.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, java.nio.channels.WritableByteChannel target)
        throws IOException {
      return file.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(java.nio.channels.ReadableByteChannel src, long position, long count)
        throws IOException {
      return file.transferFrom(src, position, count);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return file.read(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      return file.write(src, position);
    }

    @Override
    public java.nio.MappedByteBuffer map(MapMode mode, long position, long size)
        throws IOException {
      return file.map(mode, position, size);
    }

    @Override
    public java.nio.channels.FileLock lock(long position, long size, boolean shared)
        throws IOException {
      return file.lock(position, size, shared);
    }

    @Override
    public java.nio.channels.FileLock tryLock(long position, long size, boolean shared)
        throws IOException {
      return file.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }
  }

  @Test
  void whenTheDiskFillsUpInTheMiddleOfAWrite_thenTheNextAppendIsReadBackAlsoAfterAReopen()
      throws IOException {
    SpoolOptions options = new SpoolOptions(dir, 64 * 1024 * 1024, 1024 * 1024, 0);
    List<FullDisk> disks = new ArrayList<>();
    try (Spool spool =
        Spool.open(
            options,
            ch -> {
              FullDisk d = new FullDisk(ch);
              disks.add(d);
              return d;
            })) {
      spool.append(records(1, 3));
      disks.get(disks.size() - 1).armed = true;
      assertThatThrownBy(() -> spool.append(records(4, 6)))
          .isInstanceOf(IOException.class)
          .hasMessage("No space left on device");
      // Space again: what is appended now is found where the last whole record ended.
      spool.append(records(7, 9));
      assertThat(spool.pending()).isEqualTo(6);
      assertThat(readAll(spool)).containsExactly(1, 2, 3, 7, 8, 9);
    }
    try (Spool reopened = Spool.open(options)) {
      assertThat(readAll(reopened)).containsExactly(1, 2, 3, 7, 8, 9);
    }
  }
}
