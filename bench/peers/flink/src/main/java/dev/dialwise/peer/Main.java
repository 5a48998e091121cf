package dev.dialwise.peer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The benchmark peer's entry point:
 *
 * <pre>
 * java -jar target/dialwise-flink-peer.jar --brokers 127.0.0.1:9092 --prefix P --group G \
 *   --duckdb out.duckdb --terms terms.json --expect N [--parallelism 2] [--checkpoint-ms 1000]
 *   [--buffer-timeout-ms 20] [--max-poll-records 2000] [--fail-after K] [--timeout-s 600]
 * java -jar target/dialwise-flink-peer.jar --terms terms.json --check-terms
 * </pre>
 *
 * Starts a local MiniCluster, runs the job from the earliest offsets until
 * it has taken N events (accepted, duplicates and dead letters), stops it
 * with a savepoint (the last rows are flushed to DuckDB at that barrier) and
 * prints one JSON line on stdout. Logs go to stderr (log4j2.properties).
 */
public final class Main {
  private Main() {}

  public static void main(String[] argv) {
    try {
      run(argv);
    } catch (Throwable e) {
      // The MiniCluster's threads would keep the JVM alive: exit here.
      System.err.println("flink peer failed:");
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] argv) throws Exception {
    PrintStream stdout = System.out;
    System.setOut(System.err); // only the result goes to stdout
    Map<String, String> a = args(argv);
    String termsJson = Files.readString(Path.of(need(a, "terms")), StandardCharsets.UTF_8);
    if (a.containsKey("check-terms")) {
      int rc = Check.run(Terms.parse(termsJson), stdout);
      System.exit(rc);
    }
    long wall0 = System.nanoTime();
    String brokers = a.getOrDefault("brokers", "127.0.0.1:9092");
    String prefix = need(a, "prefix");
    String group = a.getOrDefault("group", prefix + "-flink");
    String duckdb = need(a, "duckdb");
    long expect = Long.parseLong(need(a, "expect"));
    int parallelism = Integer.parseInt(a.getOrDefault("parallelism", "2"));
    long checkpointMs = Long.parseLong(a.getOrDefault("checkpoint-ms", "1000"));
    long bufferTimeoutMs = Long.parseLong(a.getOrDefault("buffer-timeout-ms", "20"));
    long failAfter = Long.parseLong(a.getOrDefault("fail-after", "0"));
    long timeoutS = Long.parseLong(a.getOrDefault("timeout-s", "600"));
    Path work = Files.createTempDirectory("flink-peer-");

    Configuration conf = new Configuration();
    // Heap state backend: profiles are Java objects on the heap, read and changed in place.
    conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, work.resolve("savepoints").toUri().toString());
    // Records handed between chained operators without a defensive copy.
    conf.set(PipelineOptions.OBJECT_REUSE, true);
    // A network buffer is sent when full or after this long.
    conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(bufferTimeoutMs));
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.enableCheckpointing(checkpointMs, CheckpointingMode.EXACTLY_ONCE);

    List<String> topics = Stream.of("calls", "dialog", "crm", "web").map(f -> prefix + "." + f).toList();
    KafkaSource<Raw> source =
        KafkaSource.<Raw>builder()
            .setBootstrapServers(brokers)
            .setTopics(topics)
            .setGroupId(group)
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setDeserializer(new RawDeserializer())
            .setProperty("max.poll.records", a.getOrDefault("max-poll-records", "2000"))
            .setProperty("partition.discovery.interval.ms", "-1")
            .setProperty("client.id.prefix", group)
            .build();
    byte[] secret = new byte[64];
    new SecureRandom().nextBytes(secret);
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
        .uid("kafka")
        .setParallelism(parallelism)
        .keyBy((KeySelector<Raw, String>) r -> r.key, Types.STRING)
        .transform("enrich", TypeInformation.of(Row.class), new EnrichOperator(termsJson, secret, failAfter))
        .uid("enrich")
        .setParallelism(parallelism)
        .sinkTo(new DuckDbSink(new File(duckdb).getAbsolutePath()))
        .uid("duckdb")
        .name("duckdb")
        .setParallelism(1);

    JobClient job = env.executeAsync("dialwise-flink-peer");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
    long polls = 0;
    while (Stats.taken() < expect) {
      Thread.sleep(2);
      if (++polls % 100 == 0) {
        JobStatus s = job.getJobStatus().get();
        if (s.isGloballyTerminalState())
          fail("the job ended (" + s + ") after " + Stats.taken() + " of " + expect + " events", job);
      }
      if (System.nanoTime() > deadline)
        fail("timed out after " + timeoutS + " s with " + Stats.taken() + " of " + expect + " events", job);
    }
    long takenNanos = System.nanoTime();
    stop(job, work.resolve("savepoints").toUri().toString(), deadline);
    job.getJobExecutionResult().get(timeoutS, TimeUnit.SECONDS);
    long end = System.nanoTime();

    ObjectNode out = Json.MAPPER.createObjectNode();
    Map<String, Long> counters = new HashMap<>();
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + new File(duckdb).getAbsolutePath());
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT name, value FROM ingest_counters")) {
        while (r.next()) counters.put(r.getString(1), r.getLong(2));
      }
      for (String t : List.of("profiles", "calls", "turns", "compliance_hits", "touches", "web_visits",
          "consent_changes", "dead_letters"))
        try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + t)) {
          r.next();
          rows.put(t, r.getLong(1));
        }
    }
    // From the first record taken to the end of the last commit that wrote rows.
    double seconds = (Stats.LAST_COMMIT_NANOS.get() - Stats.FIRST_NANOS.get()) / 1e9;
    double cpuSeconds = (Stats.LAST_COMMIT_CPU.get() - Stats.FIRST_CPU.get()) / 1e9;
    long taken = Stats.taken();
    out.put("events", taken);
    out.put("seconds", Math.round(seconds * 100) / 100.0);
    out.put("eventsPerSec", Math.round(taken / seconds));
    out.put("deadLetters", counters.getOrDefault("dead_letters", -1L));
    out.put("duplicates", counters.getOrDefault("duplicates", -1L));
    ObjectNode lat = out.putObject("latencyMs");
    lat.put("p50", Stats.percentile(50));
    lat.put("p99", Stats.percentile(99));
    out.put("cpuSeconds", Math.round(cpuSeconds * 100) / 100.0);
    out.put("accepted", counters.getOrDefault("accepted", -1L));
    out.put("late", counters.getOrDefault("late", -1L));
    out.set("rows", Json.MAPPER.valueToTree(rows));
    out.put("commits", Stats.COMMITS.get());
    out.put("commitMsTotal", Stats.COMMIT_MS.get());
    out.put("restores", Stats.RESTORES.get());
    out.put("stopSeconds", Math.round((end - takenNanos) / 1e7) / 100.0);
    out.put("wallSeconds", Math.round((end - wall0) / 1e7) / 100.0);
    out.put("parallelism", parallelism);
    out.put("checkpointMs", checkpointMs);
    out.put("bufferTimeoutMs", bufferTimeoutMs);
    out.put("flink", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
    stdout.println(Json.MAPPER.writeValueAsString(out));
    stdout.flush();
    deleteTree(work);
    if (taken != expect) {
      System.err.println("took " + taken + " events, expected " + expect);
      System.exit(1);
    }
    System.exit(0);
  }

  /**
   * Stops the job with a savepoint: its barrier flushes the last profiles and
   * rows into DuckDB, then the tasks end. A savepoint is refused while a task
   * is still starting (the sink opening DuckDB, say): tried again until it is taken.
   */
  private static void stop(JobClient job, String dir, long deadline) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        job.stopWithSavepoint(false, dir, SavepointFormatType.CANONICAL)
            .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        return;
      } catch (java.util.concurrent.ExecutionException e) {
        if (System.nanoTime() > deadline || job.getJobStatus().get().isGloballyTerminalState()) throw e;
        System.err.println("stop with savepoint, attempt " + attempt + ": " + e.getCause().getMessage());
        Thread.sleep(200);
      }
    }
  }

  private static void fail(String why, JobClient job) {
    System.err.println("flink peer: " + why);
    try {
      job.cancel().get(30, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // exiting anyway
    }
    System.exit(1);
  }

  private static String need(Map<String, String> a, String k) {
    String v = a.get(k);
    if (v == null) {
      System.err.println("missing --" + k + " (see bench/peers/flink/README.md)");
      System.exit(2);
    }
    return v;
  }

  private static Map<String, String> args(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--")) continue;
      String k = argv[i].substring(2);
      boolean flag = i + 1 >= argv.length || argv[i + 1].startsWith("--");
      m.put(k, flag ? "true" : argv[++i]);
    }
    return m;
  }

  private static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (Exception ignored) {
      // a temporary folder left behind
    }
  }
}
