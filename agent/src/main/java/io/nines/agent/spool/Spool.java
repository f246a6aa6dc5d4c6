package io.nines.agent.spool;

import io.nines.common.Checks;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An append-only log of opaque records on disk, read in order from a persisted cursor: the agent's
 * write-ahead spool.
 *
 * <h2>Layout</h2>
 *
 * The directory holds segment files named {@code <id>.seg} (ids increase, zero-padded to 20
 * digits), a {@code cursor} file and a {@code lock} file. A segment starts with the 4-byte magic
 * {@code NSP1}, then records, each framed as {@code [int32 length][int32 crc32c][payload]}, big
 * endian, where the CRC-32C covers the length field and the payload. A torn write (a crash in the
 * middle of an append, or a tail of zeros that a file system leaves after a power loss) fails the
 * length or CRC check; {@link #open} cuts the segment there and logs how many bytes it discarded.
 *
 * <h2>Cursor</h2>
 *
 * The cursor is the position of the first record not yet acknowledged. {@link #read} reads from it
 * and {@link #ack} moves it, deletes the segments it passed, and rewrites the cursor file (write a
 * temporary file, then an atomic rename; not forced to disk: a cursor that lags after a power loss
 * only causes a replay, which the coordinator drops by result id).
 *
 * <h2>Durability</h2>
 *
 * {@link #append} writes to the operating system and returns; {@link #sync} forces what was
 * appended since the last sync to the device. So a killed process ({@code kill -9}) loses nothing
 * that {@code append} returned for, and a power loss may lose what was appended after the last
 * {@code sync}. When a segment is full it is forced before the next one starts.
 *
 * <h2>Bound</h2>
 *
 * When an append would take the segments past {@link SpoolOptions#maxBytes()}, the oldest segment
 * is deleted first, and the records in it that were not acknowledged are counted as dropped ({@link
 * #droppedTotal()}, and {@link #droppedUnreported()} until the coordinator has been told).
 *
 * <p>Every method does blocking file I/O: never call one on an event loop. The methods are
 * synchronized, so one instance may be shared by threads, but one process (one instance) owns a
 * directory: {@link #open} fails when another holds its lock.
 */
public final class Spool implements Closeable {
  private static final Logger LOG = Logger.getLogger(Spool.class.getName());
  private static final int MAGIC = 0x4E535031; // "NSP1"
  static final int SEGMENT_HEADER_BYTES = 4;
  static final int RECORD_HEADER_BYTES = 8;
  private static final String SUFFIX = ".seg";

  /**
   * A place in the spool: a segment id and a byte offset in it, at a record boundary. Ordered by
   * segment, then offset.
   */
  public record Position(long segment, long offset) implements Comparable<Position> {
    @Override
    public int compareTo(Position o) {
      int c = Long.compare(segment, o.segment);
      return c != 0 ? c : Long.compare(offset, o.offset);
    }
  }

  /**
   * What {@link #read} found.
   *
   * @param records the payloads, oldest first; empty when nothing is pending
   * @param ends for each record, the position just after it; give one to {@link #ack} once the
   *     records up to it are delivered
   * @param dropped how many records the spool had dropped and not yet reported when it read
   */
  public record Read(List<byte[]> records, List<Position> ends, long dropped) {
    public Read {
      records = List.copyOf(records);
      ends = List.copyOf(ends);
      Checks.checkArgument(
          records.size() == ends.size(),
          "ends: %s positions (expected: one per record, %s)",
          ends.size(),
          records.size());
    }

    /** The position after the last record, or null when there are none. */
    public Position end() {
      return ends.isEmpty() ? null : ends.get(ends.size() - 1);
    }
  }

  private static final class Segment {
    final long id;
    final Path path;
    long sizeBytes;
    long records;
    FileChannel reader;

    Segment(long id, Path path, long sizeBytes, long records) {
      this.id = id;
      this.path = path;
      this.sizeBytes = sizeBytes;
      this.records = records;
    }
  }

  private final Path dir;
  private final SpoolOptions options;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final UnaryOperator<FileChannel> writers;
  private final TreeMap<Long, Segment> segments = new TreeMap<>();
  private FileChannel writer;
  private Position cursor;
  private long recordsBeforeCursor;
  private long pending;
  private long totalBytes;
  private long droppedUnreported;
  private long droppedTotal;
  private boolean dirty;
  private boolean closed;

  private Spool(
      Path dir,
      SpoolOptions options,
      FileChannel lockChannel,
      FileLock lock,
      UnaryOperator<FileChannel> writers) {
    this.dir = dir;
    this.options = options;
    this.writers = writers;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens the spool in {@code options.dir()}, creating it if needed: checks every segment, cuts
   * torn tails, and places the read position at the persisted cursor.
   *
   * @throws IOException when the directory can't be used, or another process holds its lock
   */
  public static Spool open(SpoolOptions options) throws IOException {
    return open(options, UnaryOperator.identity());
  }

  /**
   * As {@link #open(SpoolOptions)}, with each segment's writer passed through {@code writers}: a
   * test's way to make the device fail.
   */
  static Spool open(SpoolOptions options, UnaryOperator<FileChannel> writers) throws IOException {
    Path dir = options.dir().toAbsolutePath();
    Files.createDirectories(dir);
    Path lockFile = dir.resolve("lock");
    FileChannel lockChannel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      lockChannel.close();
      throw new IOException(
          "the spool directory "
              + dir
              + " is in use by another agent (it holds "
              + lockFile
              + "); give each agent its own spool directory");
    }
    Spool spool = new Spool(dir, options, lockChannel, lock, writers);
    try {
      spool.recover();
    } catch (IOException | RuntimeException e) {
      spool.close();
      throw e;
    }
    return spool;
  }

  private void recover() throws IOException {
    List<Long> ids = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(SUFFIX)) {
          try {
            ids.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
          } catch (NumberFormatException e) {
            LOG.warning("spool " + dir + ": ignoring " + name + ", which is not a segment name");
          }
        }
      }
    }
    ids.sort(null);
    Position saved = readCursorFile();
    for (long id : ids) {
      Path path = segmentPath(id);
      Scan scan = scan(path, saved != null && saved.segment() == id ? saved.offset() : -1);
      if (scan == null) {
        continue;
      }
      Segment s = new Segment(id, path, scan.validBytes, scan.records);
      segments.put(id, s);
      if (saved != null && saved.segment() == id) {
        if (scan.cursorOnBoundary) {
          cursor = saved;
          recordsBeforeCursor = scan.recordsBeforeOffset;
        } else {
          LOG.warning(
              "spool "
                  + dir
                  + ": the cursor "
                  + saved
                  + " is not at a record boundary; replaying segment "
                  + id
                  + " from its start");
        }
      }
    }
    if (cursor == null) {
      // No usable cursor: start at the oldest segment. Replays are dropped by the coordinator.
      Map.Entry<Long, Segment> first = segments.firstEntry();
      boolean passed = saved != null && first != null && saved.segment() > segments.lastKey();
      if (passed) {
        LOG.warning(
            "spool " + dir + ": the cursor " + saved + " is past every segment; replaying them");
      }
      if (first != null) {
        cursor = new Position(first.getKey(), SEGMENT_HEADER_BYTES);
      }
      recordsBeforeCursor = 0;
    }
    // Segments before the cursor are acknowledged.
    while (cursor != null && !segments.isEmpty() && segments.firstKey() < cursor.segment()) {
      Segment s = segments.pollFirstEntry().getValue();
      Files.deleteIfExists(s.path);
    }
    if (segments.isEmpty()) {
      long id = saved == null ? 1 : saved.segment() + 1;
      createSegment(id);
      cursor = new Position(id, SEGMENT_HEADER_BYTES);
      recordsBeforeCursor = 0;
    }
    Segment last = segments.lastEntry().getValue();
    writer = writers.apply(FileChannel.open(last.path, StandardOpenOption.WRITE));
    writer.position(last.sizeBytes);
    for (Segment s : segments.values()) {
      totalBytes += s.sizeBytes;
      pending += s.records;
    }
    pending -= recordsBeforeCursor;
    writeCursorFile();
  }

  private record Scan(
      long validBytes, long records, long recordsBeforeOffset, boolean cursorOnBoundary) {}

  /**
   * Checks a segment record by record and cuts it after the last good record. Returns null when the
   * file is not a segment at all (moved aside).
   */
  private Scan scan(Path path, long cursorOffset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      if (size < SEGMENT_HEADER_BYTES) {
        // Torn while being created: start it again.
        ch.truncate(0);
        ch.write(ByteBuffer.allocate(4).putInt(0, MAGIC), 0);
        return new Scan(SEGMENT_HEADER_BYTES, 0, 0, cursorOffset == SEGMENT_HEADER_BYTES);
      }
      ByteBuffer magic = ByteBuffer.allocate(4);
      readFully(ch, magic, 0);
      if (magic.getInt(0) != MAGIC) {
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt");
        LOG.warning(
            "spool " + dir + ": " + path.getFileName() + " is not a segment; moved to " + aside);
        ch.close();
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
        return null;
      }
      long offset = SEGMENT_HEADER_BYTES;
      long records = 0;
      long before = 0;
      boolean onBoundary = cursorOffset == offset;
      ByteBuffer header = ByteBuffer.allocate(RECORD_HEADER_BYTES);
      while (true) {
        int length = validRecordAt(ch, offset, size, header);
        if (length < 0) {
          break;
        }
        offset += RECORD_HEADER_BYTES + length;
        records++;
        if (offset <= cursorOffset) {
          before = records;
        }
        if (offset == cursorOffset) {
          onBoundary = true;
        }
      }
      if (offset < size) {
        LOG.warning(
            "spool "
                + dir
                + ": "
                + path.getFileName()
                + " has "
                + (size - offset)
                + " bytes after its last complete record (a write torn by a crash); cutting"
                + " them");
        ch.truncate(offset);
        ch.force(true);
      }
      return new Scan(offset, records, before, onBoundary);
    }
  }

  /**
   * The length of the valid record at {@code offset}, or -1 when there is none (end of data, a torn
   * frame or a CRC mismatch).
   */
  private static int validRecordAt(FileChannel ch, long offset, long size, ByteBuffer header)
      throws IOException {
    if (offset + RECORD_HEADER_BYTES > size) {
      return -1;
    }
    header.clear();
    readFully(ch, header, offset);
    int length = header.getInt(0);
    int crc = header.getInt(4);
    if (length <= 0
        || length > SpoolOptions.MAX_RECORD_BYTES
        || offset + RECORD_HEADER_BYTES + length > size) {
      return -1;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    readFully(ch, payload, offset + RECORD_HEADER_BYTES);
    return crc == crcOf(length, payload.array()) ? length : -1;
  }

  private static int crcOf(int length, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(4).putInt(0, length));
    crc.update(payload);
    return (int) crc.getValue();
  }

  /**
   * What {@link #read} and {@link #advanceTo} read records through: up to {@link #CHUNK_BYTES} of
   * one segment, read ahead with one {@code pread}, so that reading back a batch costs a system
   * call per 64 KiB instead of two per record (a header, then the payload; and one more per record
   * to move the cursor on acknowledgement: about 3.7 reads per shipped result at 14,000 results/s).
   * It holds bytes below the segment's size when they were read, which never change: records are
   * only appended, segment ids are not reused while this instance is open, and a segment's bytes
   * are forgotten when it is deleted.
   */
  private ByteBuffer window = ByteBuffer.allocate(CHUNK_BYTES);

  /** The segment {@link #window} holds bytes of, or -1. */
  private long windowSegment = -1;

  /** The offset in {@link #windowSegment} of {@link #window}'s first byte. */
  private long windowStart;

  /**
   * {@code length} bytes of segment {@code s} from {@code offset}, as a buffer whose index 0 is
   * {@code offset}: from the read-ahead window, which is refilled from {@code offset} when they are
   * not all in it. Bytes past the segment's size are read directly, as before (and fail at the end
   * of the file).
   */
  private ByteBuffer bytesAt(Segment s, long offset, int length) throws IOException {
    if (windowSegment == s.id
        && offset >= windowStart
        && offset + length <= windowStart + window.limit()) {
      return window.slice((int) (offset - windowStart), length);
    }
    long available = s.sizeBytes - offset;
    if (length > available) {
      ByteBuffer direct = ByteBuffer.allocate(length);
      readFully(readerOf(s), direct, offset);
      return direct;
    }
    int want = (int) Math.min(Math.max(length, CHUNK_BYTES), available);
    if (window.capacity() < want || (want <= CHUNK_BYTES && window.capacity() > CHUNK_BYTES)) {
      // Grown for one large record, or back to the usual size after one.
      window = ByteBuffer.allocate(Math.max(want, CHUNK_BYTES));
    }
    windowSegment = -1;
    window.clear().limit(want);
    readFully(readerOf(s), window, offset);
    window.flip();
    windowSegment = s.id;
    windowStart = offset;
    return window.slice(0, length);
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long p = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, p);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + p);
      }
      p += n;
    }
  }

  /**
   * Appends records in order. They are in the operating system when this returns, on the device
   * after the next {@link #sync()}. Drops the oldest segments first when the bound requires it.
   *
   * @return where each record ends, in order: the position {@link Read#ends()} will give it
   * @throws IllegalArgumentException when a record is empty or larger than {@link
   *     SpoolOptions#MAX_RECORD_BYTES}; nothing of the call is appended then
   */
  public synchronized List<Position> append(List<byte[]> records) throws IOException {
    checkOpen();
    for (byte[] r : records) {
      Checks.checkArgument(
          r.length > 0 && r.length <= SpoolOptions.MAX_RECORD_BYTES,
          "record of %s bytes (expected: 1 to %s)",
          r.length,
          SpoolOptions.MAX_RECORD_BYTES);
    }
    // Frames go to the active segment in one write per chunk, not one per record: at thousands
    // of results a second, a system call per record was most of the spool's own CPU. A record
    // counts as appended once the write that holds it returned, as before.
    ByteBuffer chunk = null;
    int chunkRecords = 0;
    List<Position> ends = new ArrayList<>(records.size());
    for (byte[] r : records) {
      long frame = RECORD_HEADER_BYTES + (long) r.length;
      Segment active = segments.lastEntry().getValue();
      long chunkBytes = chunk == null ? 0 : chunk.position();
      if (active.records + chunkRecords > 0
          && active.sizeBytes + chunkBytes + frame > options.segmentBytes()) {
        writeChunk(chunk, chunkRecords);
        chunkRecords = 0;
        roll();
        active = segments.lastEntry().getValue();
        chunkBytes = 0;
      }
      while (totalBytes + chunkBytes + frame > options.maxBytes() && segments.size() > 1) {
        dropOldest();
      }
      if (chunk != null && chunk.remaining() < frame) {
        writeChunk(chunk, chunkRecords);
        chunkRecords = 0;
      }
      if (chunk == null || chunk.capacity() < frame) {
        chunk = ByteBuffer.allocate((int) Math.max(frame, CHUNK_BYTES));
      }
      chunk.putInt(r.length).putInt(crcOf(r.length, r)).put(r);
      chunkRecords++;
      ends.add(new Position(active.id, active.sizeBytes + chunk.position()));
    }
    writeChunk(chunk, chunkRecords);
    return ends;
  }

  /** How many bytes of frames {@link #append} gathers into one write, at most (or one frame). */
  private static final int CHUNK_BYTES = 64 * 1024;

  /** Writes the frames gathered in {@code chunk} to the active segment, then empties it. */
  private void writeChunk(ByteBuffer chunk, int count) throws IOException {
    if (chunk == null || count == 0) {
      return;
    }
    chunk.flip();
    long bytes = chunk.remaining();
    Segment active = segments.lastEntry().getValue();
    try {
      while (chunk.hasRemaining()) {
        writer.write(chunk);
      }
    } catch (IOException e) {
      // A write that failed part-way (a full disk) left a part of the chunk in the file and the
      // writer past the segment's size: the next append would land after that part, where no
      // reader looks for it. Cut the part and go back, so that the next append starts where the
      // last whole record ends.
      chunk.clear();
      try {
        writer.truncate(active.sizeBytes);
        writer.position(active.sizeBytes);
      } catch (IOException cut) {
        e.addSuppressed(cut);
      }
      throw e;
    }
    chunk.clear();
    active.sizeBytes += bytes;
    active.records += count;
    totalBytes += bytes;
    pending += count;
    dirty = true;
  }

  /**
   * Forces what was appended since the last sync to the device.
   *
   * @return whether there was anything to force
   */
  public synchronized boolean sync() throws IOException {
    checkOpen();
    if (!dirty) {
      return false;
    }
    writer.force(false);
    dirty = false;
    return true;
  }

  /**
   * Reads up to {@code maxRecords} records from the cursor, oldest first. Does not move the cursor:
   * reading again before {@link #ack} returns the same records.
   */
  public synchronized Read read(int maxRecords) throws IOException {
    checkOpen();
    Checks.checkPositive(maxRecords, "maxRecords");
    List<byte[]> out = new ArrayList<>(Math.min(maxRecords, 1024));
    List<Position> ends = new ArrayList<>(Math.min(maxRecords, 1024));
    Position pos = cursor;
    while (out.size() < maxRecords) {
      Segment s = segments.get(pos.segment());
      if (pos.offset() >= s.sizeBytes) {
        Map.Entry<Long, Segment> next = segments.higherEntry(s.id);
        if (next == null) {
          break;
        }
        pos = new Position(next.getKey(), SEGMENT_HEADER_BYTES);
        continue;
      }
      ByteBuffer header = bytesAt(s, pos.offset(), RECORD_HEADER_BYTES);
      int length = header.getInt(0);
      int crc = header.getInt(4);
      if (length <= 0 || pos.offset() + RECORD_HEADER_BYTES + length > s.sizeBytes) {
        throw new IOException(
            "spool " + dir + ": bad record length " + length + " at " + pos + " in " + s.path);
      }
      byte[] payload = new byte[length];
      bytesAt(s, pos.offset() + RECORD_HEADER_BYTES, length).get(0, payload);
      if (crc != crcOf(length, payload)) {
        throw new IOException(
            "spool " + dir + ": CRC mismatch at " + pos + " in " + s.path + " (disk corruption?)");
      }
      out.add(payload);
      pos = new Position(pos.segment(), pos.offset() + RECORD_HEADER_BYTES + length);
      ends.add(pos);
    }
    return new Read(out, ends, droppedUnreported);
  }

  /**
   * Marks everything before {@code end} as delivered: moves the cursor there (never backwards),
   * deletes the segments it passed and persists the cursor.
   *
   * @param end a position returned by {@link #read}
   * @param droppedReported how many dropped records the coordinator was told about with this
   *     delivery; subtracted from {@link #droppedUnreported()}
   */
  public synchronized void ack(Position end, long droppedReported) throws IOException {
    ack(List.of(end), droppedReported);
  }

  /**
   * Marks records returned by one {@link #read} as delivered, given their {@link Read#ends()} (or a
   * prefix of them). When the spool dropped some of them while they were being delivered, they no
   * longer count as undelivered in {@link #droppedUnreported()} (the {@link #droppedTotal()} of the
   * disk does not change).
   */
  public synchronized void ack(List<Position> ends, long droppedReported) throws IOException {
    checkOpen();
    Checks.checkNotNegative(droppedReported, "droppedReported");
    Checks.checkArgument(!ends.isEmpty(), "ends: [] (expected: at least one position)");
    long deliveredAfterDrop = ends.stream().filter(e -> e.compareTo(cursor) <= 0).count();
    droppedUnreported = Math.max(0, droppedUnreported - droppedReported - deliveredAfterDrop);
    Position end = ends.get(ends.size() - 1);
    if (end.compareTo(cursor) > 0) {
      advanceTo(end);
    }
    writeCursorFile();
  }

  private void advanceTo(Position end) throws IOException {
    while (cursor.compareTo(end) < 0) {
      Segment s = segments.get(cursor.segment());
      if (cursor.offset() >= s.sizeBytes) {
        Map.Entry<Long, Segment> next = segments.higherEntry(s.id);
        if (next == null) {
          throw new IllegalStateException(
              "ack " + end + " is past the spool's end " + cursor + " in " + dir);
        }
        deleteSegment(segments.pollFirstEntry().getValue());
        cursor = new Position(next.getKey(), SEGMENT_HEADER_BYTES);
        recordsBeforeCursor = 0;
        continue;
      }
      int length = bytesAt(s, cursor.offset(), RECORD_HEADER_BYTES).getInt(0);
      cursor = new Position(s.id, cursor.offset() + RECORD_HEADER_BYTES + length);
      recordsBeforeCursor++;
      pending--;
    }
    if (!cursor.equals(end)) {
      throw new IllegalStateException(
          "ack " + end + " is not at a record boundary (reached " + cursor + ") in " + dir);
    }
    // A fully read segment that is not the active one is done with.
    Segment s = segments.get(cursor.segment());
    Map.Entry<Long, Segment> next = segments.higherEntry(s.id);
    if (cursor.offset() >= s.sizeBytes && next != null) {
      deleteSegment(segments.pollFirstEntry().getValue());
      cursor = new Position(next.getKey(), SEGMENT_HEADER_BYTES);
      recordsBeforeCursor = 0;
    }
  }

  private void roll() throws IOException {
    Segment old = segments.lastEntry().getValue();
    writer.force(false);
    dirty = false;
    writer.close();
    Segment created = createSegment(old.id + 1);
    writer = writers.apply(FileChannel.open(created.path, StandardOpenOption.WRITE));
    writer.position(created.sizeBytes);
    totalBytes += created.sizeBytes;
  }

  private Segment createSegment(long id) throws IOException {
    Path path = segmentPath(id);
    try (FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4).putInt(0, MAGIC));
      ch.force(true);
    }
    forceDirectory();
    Segment s = new Segment(id, path, SEGMENT_HEADER_BYTES, 0);
    segments.put(id, s);
    return s;
  }

  private void dropOldest() throws IOException {
    Segment s = segments.firstEntry().getValue();
    long lost;
    if (s.id == cursor.segment()) {
      lost = s.records - recordsBeforeCursor;
    } else {
      lost = s.id > cursor.segment() ? s.records : 0;
    }
    deleteSegment(segments.pollFirstEntry().getValue());
    if (s.id >= cursor.segment()) {
      cursor = new Position(segments.firstKey(), SEGMENT_HEADER_BYTES);
      recordsBeforeCursor = 0;
    }
    pending -= lost;
    droppedUnreported += lost;
    droppedTotal += lost;
    LOG.warning(
        "spool "
            + dir
            + " is full ("
            + options.maxBytes()
            + " bytes): dropped segment "
            + s.id
            + " with "
            + lost
            + " undelivered results");
    writeCursorFile();
  }

  private void deleteSegment(Segment s) throws IOException {
    if (windowSegment == s.id) {
      windowSegment = -1;
    }
    totalBytes -= s.sizeBytes;
    if (s.reader != null) {
      s.reader.close();
      s.reader = null;
    }
    Files.deleteIfExists(s.path);
  }

  private FileChannel readerOf(Segment s) throws IOException {
    if (s.reader == null) {
      s.reader = FileChannel.open(s.path, StandardOpenOption.READ);
    }
    return s.reader;
  }

  private Path segmentPath(long id) {
    return dir.resolve(String.format("%020d%s", id, SUFFIX));
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms can't open a directory; the segment's own force still holds its data.
    }
  }

  private Position readCursorFile() {
    Path file = dir.resolve("cursor");
    try {
      JsonObject json = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      droppedUnreported = Math.max(0, json.getLong("dropped", 0L));
      return new Position(json.getLong("segment"), json.getLong("offset"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | DecodeException | ClassCastException | NullPointerException e) {
      LOG.warning(
          "spool " + dir + ": can't read its cursor file (" + e + "); replaying from the start");
      return null;
    }
  }

  private void writeCursorFile() throws IOException {
    Path tmp = dir.resolve("cursor.tmp");
    String json =
        new JsonObject()
            .put("segment", cursor.segment())
            .put("offset", cursor.offset())
            .put("dropped", droppedUnreported)
            .encode();
    Files.writeString(tmp, json, StandardCharsets.UTF_8);
    try {
      Files.move(
          tmp,
          dir.resolve("cursor"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir.resolve("cursor"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the spool in " + dir + " is closed");
    }
  }

  /** Records appended and not yet acknowledged. */
  public synchronized long pending() {
    return pending;
  }

  /** Bytes the segment files take now. */
  public synchronized long sizeBytes() {
    return totalBytes;
  }

  /** Segment files now. */
  public synchronized int segmentCount() {
    return segments.size();
  }

  /** The cursor: the position of the first record not acknowledged. */
  public synchronized Position cursor() {
    return cursor;
  }

  /** Records dropped for lack of space since this instance opened. */
  public synchronized long droppedTotal() {
    return droppedTotal;
  }

  /** Records dropped for lack of space that the coordinator has not been told about. */
  public synchronized long droppedUnreported() {
    return droppedUnreported;
  }

  public Path dir() {
    return dir;
  }

  /** Forces what is appended, closes the files and releases the directory. Idempotent. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (writer != null) {
        if (dirty) {
          writer.force(false);
        }
        writer.close();
      }
      for (Segment s : segments.values()) {
        if (s.reader != null) {
          s.reader.close();
        }
      }
    } finally {
      lock.release();
      lockChannel.close();
    }
  }

  /**
   * Closes without forcing anything, as a crash would leave the files (the operating system keeps
   * what was written). For tests that simulate a {@code kill -9}.
   */
  synchronized void abandon() throws IOException {
    closed = true;
    if (writer != null) {
      writer.close();
    }
    for (Segment s : segments.values()) {
      if (s.reader != null) {
        s.reader.close();
      }
    }
    lock.release();
    lockChannel.close();
  }
}
