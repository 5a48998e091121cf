package dev.dialwise.peer;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the job's tasks tell the main thread. The job runs in a local
 * MiniCluster inside this JVM, whose task threads load classes from the
 * application class loader, so static fields are shared with main (the
 * pattern Flink's own MiniCluster tests use). Nothing here is job state.
 */
final class Stats {
  private Stats() {}

  /** Events taken per enrichment subtask (accepted + duplicates + dead letters), restored totals included. */
  static final AtomicLongArray TAKEN = new AtomicLongArray(256);
  /** System.nanoTime() of the first record an enrichment subtask saw (0: none yet). */
  static final AtomicLong FIRST_NANOS = new AtomicLong();
  /** Each subtask's latency histogram (counts per millisecond, last bucket: beyond). */
  static final Queue<long[]> HISTOGRAMS = new ConcurrentLinkedQueue<>();
  static final int HISTOGRAM_MS = 600_000;
  /** Process CPU time (ns, every thread) when the first record was seen, and at the last commit. */
  static final AtomicLong FIRST_CPU = new AtomicLong();
  static final AtomicLong LAST_COMMIT_CPU = new AtomicLong();
  /** System.nanoTime() at the end of the last sink commit that wrote rows. */
  static final AtomicLong LAST_COMMIT_NANOS = new AtomicLong();
  /** Sink commits and their total time (ms), rows written. */
  static final AtomicLong COMMITS = new AtomicLong();
  static final AtomicLong COMMIT_MS = new AtomicLong();
  static final AtomicLong ROWS = new AtomicLong();
  /** The one injected failure of --fail-after has happened. */
  static final AtomicBoolean FAILED = new AtomicBoolean();
  static final AtomicLong RESTORES = new AtomicLong();

  /** CPU time of the whole process so far (ns): the JVM's every thread. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static long taken() {
    long n = 0;
    for (int i = 0; i < TAKEN.length(); i++) n += TAKEN.get(i);
    return n;
  }

  /** The p-th percentile (0..100) over every subtask's histogram, in ms. */
  static long percentile(double p) {
    long[] all = new long[HISTOGRAM_MS + 1];
    long n = 0;
    for (long[] h : HISTOGRAMS)
      for (int i = 0; i < h.length; i++) {
        all[i] += h[i];
        n += h[i];
      }
    if (n == 0) return -1;
    long rank = (long) Math.min(n - 1, Math.floor(p / 100 * n));
    long seen = 0;
    for (int i = 0; i < all.length; i++) {
      seen += all[i];
      if (seen > rank) return i;
    }
    return HISTOGRAM_MS;
  }
}
