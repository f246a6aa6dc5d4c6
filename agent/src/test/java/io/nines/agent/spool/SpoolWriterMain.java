package io.nines.agent.spool;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A process for {@link SpoolKillIT}: appends numbered records to a spool one by one and prints
 * {@code w N} after record N's append returned; every 50 records, once 500 are written, it reads
 * and acknowledges the oldest 50 (so about 500 stay pending, as in a replay) and prints {@code a N}
 * for the last one acknowledged. Runs until it is killed.
 */
public final class SpoolWriterMain {
  private SpoolWriterMain() {}

  static byte[] record(long i) {
    return String.format("%-100s", "record-" + i).getBytes(StandardCharsets.UTF_8);
  }

  static long number(byte[] record) {
    return Long.parseLong(new String(record, StandardCharsets.UTF_8).strip().substring(7));
  }

  public static void main(String[] args) throws Exception {
    Spool spool = Spool.open(new SpoolOptions(Path.of(args[0]), 1024 * 1024, 64 * 1024, 0));
    long acked = 0;
    for (long i = 1; ; i++) {
      spool.append(List.of(record(i)));
      System.out.println("w " + i);
      if (i % 50 == 0 && i > 500) {
        Spool.Read read = spool.read(50);
        spool.ack(read.end(), 0);
        acked = number(read.records().get(read.records().size() - 1));
        System.out.println("a " + acked);
      }
      System.out.flush();
    }
  }
}
