package dev.dialwise.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Dialwise's DuckDB sink (src/pipelines/sinks/duckdb-sink.ts) as a Flink
 * Sink V2: the rows of a checkpoint are buffered and written in one DuckDB
 * transaction when Flink asks the writer to flush, just before the barrier
 * passes the sink (and once more at the end). Same tables, same columns,
 * same merges: calls upserted keeping known columns and their first owner,
 * profiles replaced, the other rows appended through staging tables (the
 * appender), cast by DuckDB on the way in.
 *
 * <p>Exactly-once effect: Flink restores state and source offsets from the
 * last completed checkpoint and replays the records after it; rows written
 * by flushes after that checkpoint may then come again. The writer's
 * checkpointed state is each append-only table's highest rowid at the
 * checkpoint; a writer restored from it appends only rows not already there
 * above that rowid (by Dialwise's keys: event_id; event_id, rule, start_pos
 * for hits), upserts stay upserts, counters are absolute totals per
 * enrichment subtask. Without a restore nothing is looked up: plain appends.
 */
public class DuckDbSink implements Sink<Row>, SupportsWriterState<Row, String> {
  private static final long serialVersionUID = 1L;
  private final String path;

  public DuckDbSink(String path) {
    this.path = path;
  }

  @Override
  public StatefulSinkWriter<Row, String> createWriter(WriterInitContext context) throws IOException {
    return new Writer(path, null);
  }

  @Override
  public StatefulSinkWriter<Row, String> restoreWriter(WriterInitContext context, Collection<String> recovered)
      throws IOException {
    return new Writer(path, recovered);
  }

  @Override
  public SimpleVersionedSerializer<String> getWriterStateSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
      }

      @Override
      public String deserialize(int version, byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
      }
    };
  }

  /** A target table: its columns and types, in Dialwise's column order. */
  record Table(String name, String stage, String[] cols, String[] types) {
    String columns() {
      return String.join(", ", cols);
    }

    /** The staging table's text columns cast to the target's types. */
    String casts() {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cols.length; i++) {
        if (i > 0) b.append(", ");
        b.append(types[i].equals("VARCHAR") ? cols[i] : "CAST(" + cols[i] + " AS " + types[i] + ")");
      }
      return b.toString();
    }
  }

  private static Table table(String name, String stage, String spec) {
    String[] parts = spec.split(",\\s*");
    String[] cols = new String[parts.length], types = new String[parts.length];
    for (int i = 0; i < parts.length; i++) {
      String[] ct = parts[i].trim().split("\\s+");
      cols[i] = ct[0];
      types[i] = ct[1];
    }
    return new Table(name, stage, cols, types);
  }

  static final Table CALLS = table("calls", "stage_calls",
      "call_id VARCHAR, customer_id VARCHAR, campaign_id VARCHAR, script_id VARCHAR, script_version VARCHAR, "
          + "handled_by VARCHAR, region VARCHAR, product_line VARCHAR, started_at TIMESTAMPTZ, answered BOOLEAN, "
          + "unanswered_reason VARCHAR, transferred_queue VARCHAR, outcome VARCHAR, duration_s DOUBLE, "
          + "ended_at TIMESTAMPTZ, customer_turns INTEGER, positive_intents INTEGER, negative_intents INTEGER, "
          + "objections INTEGER, valence DOUBLE, intent_score DOUBLE, compliance_hits INTEGER, "
          + "peak_impatience DOUBLE, abandoned BOOLEAN");
  static final Table TURNS = table("turns", "stage_turns",
      "event_id VARCHAR, call_id VARCHAR, customer_id VARCHAR, turn INTEGER, speaker VARCHAR, text VARCHAR, "
          + "asr_confidence DOUBLE, ts TIMESTAMPTZ, intent VARCHAR, intent_confidence DOUBLE, out_of_scope BOOLEAN, "
          + "emotion VARCHAR, valence DOUBLE, call_intent_score DOUBLE, late BOOLEAN, impatience DOUBLE");
  static final Table HITS = table("compliance_hits", "stage_hits",
      "event_id VARCHAR, call_id VARCHAR, customer_id VARCHAR, speaker VARCHAR, rule VARCHAR, term VARCHAR, "
          + "start_pos INTEGER, end_pos INTEGER, ts TIMESTAMPTZ");
  static final Table PROFILES = table("profiles", "stage_profiles",
      "customer_id VARCHAR, state JSON, name_enc VARCHAR, phone_enc VARCHAR, phone_hash VARCHAR, "
          + "personal_enc VARCHAR, intent_score DOUBLE, tags JSON, updated_at TIMESTAMPTZ");
  static final Table TOUCHES = table("touches", "stage_touches",
      "event_id VARCHAR, kind VARCHAR, touch_id VARCHAR, customer_id VARCHAR, channel VARCHAR, "
          + "campaign_id VARCHAR, purpose VARCHAR, delivered BOOLEAN, text_enc VARCHAR, ts TIMESTAMPTZ");
  static final Table VISITS = table("web_visits", "stage_visits",
      "event_id VARCHAR, customer_id VARCHAR, page VARCHAR, product VARCHAR, ts TIMESTAMPTZ");
  static final Table CONSENTS = table("consent_changes", "stage_consents",
      "event_id VARCHAR, customer_id VARCHAR, scope VARCHAR, purpose VARCHAR, granted BOOLEAN, source VARCHAR, "
          + "call_id VARCHAR, evidence_event_id VARCHAR, cue VARCHAR, text_enc VARCHAR, ts TIMESTAMPTZ");
  static final Table DEAD = table("dead_letters", "stage_dead",
      "received_at TIMESTAMPTZ, source VARCHAR, reason VARCHAR, payload VARCHAR, payload_sealed VARCHAR");

  /** The tables as Dialwise's migrations leave them (src/core/store/migrations.ts), those this job fills. */
  static final String DDL = """
      CREATE SEQUENCE IF NOT EXISTS dead_letter_seq;
      CREATE SEQUENCE IF NOT EXISTS turn_seq START 1;
      CREATE TABLE IF NOT EXISTS calls (
        call_id VARCHAR PRIMARY KEY, customer_id VARCHAR, campaign_id VARCHAR,
        script_id VARCHAR, script_version VARCHAR, handled_by VARCHAR, region VARCHAR,
        product_line VARCHAR, started_at TIMESTAMPTZ, answered BOOLEAN,
        unanswered_reason VARCHAR, transferred_queue VARCHAR, outcome VARCHAR,
        duration_s DOUBLE, ended_at TIMESTAMPTZ, customer_turns INTEGER, positive_intents INTEGER,
        negative_intents INTEGER, objections INTEGER, valence DOUBLE, intent_score DOUBLE,
        compliance_hits INTEGER, peak_impatience DOUBLE, abandoned BOOLEAN);
      CREATE TABLE IF NOT EXISTS turns (
        event_id VARCHAR NOT NULL, call_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL,
        turn INTEGER NOT NULL, speaker VARCHAR NOT NULL, text VARCHAR NOT NULL,
        asr_confidence DOUBLE NOT NULL, ts TIMESTAMPTZ NOT NULL, intent VARCHAR,
        intent_confidence DOUBLE, out_of_scope BOOLEAN, emotion VARCHAR, valence DOUBLE,
        call_intent_score DOUBLE, late BOOLEAN, impatience DOUBLE, seq BIGINT);
      CREATE TABLE IF NOT EXISTS web_visits (
        event_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL, page VARCHAR NOT NULL,
        product VARCHAR, ts TIMESTAMPTZ NOT NULL);
      CREATE TABLE IF NOT EXISTS dead_letters (
        id BIGINT PRIMARY KEY DEFAULT nextval('dead_letter_seq'),
        received_at TIMESTAMPTZ NOT NULL, source VARCHAR NOT NULL, reason VARCHAR NOT NULL,
        payload VARCHAR NOT NULL, payload_sealed VARCHAR);
      CREATE TABLE IF NOT EXISTS profiles (
        customer_id VARCHAR PRIMARY KEY, state JSON NOT NULL, name_enc VARCHAR,
        phone_enc VARCHAR, phone_hash VARCHAR, intent_score DOUBLE NOT NULL, tags JSON NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL, personal_enc VARCHAR);
      CREATE TABLE IF NOT EXISTS ingest_counters (name VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
      CREATE TABLE IF NOT EXISTS stream_offsets (
        source VARCHAR NOT NULL, partition INTEGER NOT NULL, next_offset BIGINT NOT NULL,
        PRIMARY KEY (source, partition));
      CREATE TABLE IF NOT EXISTS compliance_hits (
        event_id VARCHAR NOT NULL, call_id VARCHAR NOT NULL, customer_id VARCHAR NOT NULL,
        speaker VARCHAR NOT NULL, rule VARCHAR NOT NULL, term VARCHAR NOT NULL,
        start_pos INTEGER NOT NULL, end_pos INTEGER NOT NULL, ts TIMESTAMPTZ NOT NULL);
      CREATE TABLE IF NOT EXISTS consent_changes (
        event_id VARCHAR PRIMARY KEY, customer_id VARCHAR NOT NULL, scope VARCHAR NOT NULL,
        purpose VARCHAR, granted BOOLEAN NOT NULL, source VARCHAR, call_id VARCHAR,
        evidence_event_id VARCHAR, cue VARCHAR, text_enc VARCHAR, ts TIMESTAMPTZ NOT NULL);
      CREATE INDEX IF NOT EXISTS consent_changes_customer ON consent_changes (customer_id);
      CREATE TABLE IF NOT EXISTS touches (
        event_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, touch_id VARCHAR NOT NULL,
        customer_id VARCHAR NOT NULL, channel VARCHAR NOT NULL, campaign_id VARCHAR,
        purpose VARCHAR, delivered BOOLEAN, text_enc VARCHAR, ts TIMESTAMPTZ NOT NULL);
      """;

  /** The append-only tables a restored writer dedupes above its checkpointed rowid, and their keys. */
  static final Table[] APPENDED = {TURNS, HITS, VISITS, DEAD};
  static final String[][] KEYS = {
    {"event_id"}, {"event_id", "rule", "start_pos"}, {"event_id"}, {"source", "reason", "payload"}
  };

  static final class Writer implements StatefulSinkWriter<Row, String> {
    private final Connection conn;
    /** Per APPENDED table: dedupe rows above this rowid (null: a fresh writer, no dedupe). */
    private final long[] floors;
    private final List<String[]> turns = new ArrayList<>(), hits = new ArrayList<>(), visits = new ArrayList<>(),
        consents = new ArrayList<>(), touches = new ArrayList<>(), dead = new ArrayList<>();
    private final LinkedHashMap<String, String[]> profiles = new LinkedHashMap<>(), calls = new LinkedHashMap<>();
    private final Map<String, long[]> counters = new HashMap<>();
    private final Map<String, long[]> offsets = new HashMap<>();
    private final List<String> erased = new ArrayList<>();
    private int buffered;

    Writer(String path, Collection<String> recovered) throws IOException {
      try {
        conn = DriverManager.getConnection("jdbc:duckdb:" + path);
        try (Statement s = conn.createStatement()) {
          for (String sql : DDL.split(";")) if (!sql.isBlank()) s.execute(sql);
          for (Table t : new Table[] {CALLS, TURNS, HITS, PROFILES, TOUCHES, VISITS, CONSENTS, DEAD}) {
            StringBuilder defs = new StringBuilder();
            for (String c : t.cols) defs.append(defs.length() == 0 ? "" : ", ").append(c).append(" VARCHAR");
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + t.stage + " (" + defs + ")");
          }
        }
        conn.setAutoCommit(false);
      } catch (SQLException e) {
        throw new IOException("cannot open DuckDB at " + path, e);
      }
      if (recovered == null || recovered.isEmpty()) floors = storedRows() ? new long[] {-1, -1, -1, -1} : null;
      else {
        floors = new long[APPENDED.length];
        java.util.Arrays.fill(floors, Long.MAX_VALUE);
        for (String r : recovered) {
          String[] f = r.split(" ");
          for (int i = 0; i < floors.length; i++) floors[i] = Math.min(floors[i], Long.parseLong(f[i]));
        }
      }
    }

    /**
     * Whether the file already holds rows although no checkpoint was restored: a
     * restart before the first checkpoint completed (its flush may have been
     * committed) or a file reused. Then every append is checked against them all.
     */
    private boolean storedRows() throws IOException {
      try (Statement s = conn.createStatement()) {
        for (Table t : APPENDED)
          try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + t.name)) {
            r.next();
            if (r.getLong(1) > 0) return true;
          }
        conn.commit();
        return false;
      } catch (SQLException e) {
        throw new IOException(e);
      }
    }

    @Override
    public void write(Row r, Context context) {
      String[] v = r.v;
      switch (r.kind) {
        case Row.TURN -> turns.add(v);
        case Row.HIT -> hits.add(v);
        case Row.VISIT -> visits.add(v);
        case Row.CONSENT -> consents.add(v);
        case Row.TOUCH -> touches.add(v);
        case Row.DEAD -> dead.add(v);
        case Row.PROFILE -> profiles.put(v[0], v);
        // One row per call_id per statement, the first owner's (duckdb-sink.ts).
        case Row.CALL -> {
          String[] had = calls.get(v[0]);
          if (had == null || had[1].equals(v[1])) calls.put(v[0], v);
        }
        case Row.COUNTERS -> counters.put(v[0], new long[] {
            Long.parseLong(v[1]), Long.parseLong(v[2]), Long.parseLong(v[3]), Long.parseLong(v[4])});
        case Row.OFFSET -> offsets.merge(v[0] + "\t" + v[1], new long[] {Long.parseLong(v[2])},
            (a, b) -> a[0] >= b[0] ? a : b);
        case Row.ERASE -> erase(v[0]);
        default -> throw new IllegalArgumentException("row kind " + r.kind);
      }
      buffered++;
    }

    /** The customer's rows buffered so far go, and their stored rows are deleted first at commit. */
    private void erase(String customer) {
      erased.add(customer);
      profiles.remove(customer);
      calls.values().removeIf(c -> customer.equals(c[1]));
      turns.removeIf(t -> customer.equals(t[2]));
      hits.removeIf(h -> customer.equals(h[2]));
      visits.removeIf(x -> customer.equals(x[1]));
      consents.removeIf(x -> customer.equals(x[1]));
      touches.removeIf(x -> customer.equals(x[3]));
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      if (buffered == 0) return;
      long t0 = System.nanoTime();
      try {
        commit();
      } catch (SQLException e) {
        try {
          conn.rollback();
        } catch (SQLException ignored) {
          // the commit's own error is the one to report
        }
        throw new IOException("DuckDB commit failed: " + e.getMessage(), e);
      }
      Stats.COMMITS.incrementAndGet();
      Stats.COMMIT_MS.addAndGet((System.nanoTime() - t0) / 1_000_000);
      Stats.ROWS.addAndGet(buffered);
      Stats.LAST_COMMIT_NANOS.set(System.nanoTime());
      Stats.LAST_COMMIT_CPU.set(Stats.processCpuNanos());
      turns.clear();
      hits.clear();
      visits.clear();
      consents.clear();
      touches.clear();
      dead.clear();
      profiles.clear();
      calls.clear();
      erased.clear();
      buffered = 0;
    }

    private void commit() throws SQLException {
      try (Statement s = conn.createStatement()) {
        for (String customer : erased)
          for (String t : new String[] {"profiles", "calls", "turns", "compliance_hits", "web_visits",
              "touches", "consent_changes"})
            try (PreparedStatement d = conn.prepareStatement("DELETE FROM " + t + " WHERE customer_id = ?")) {
              d.setString(1, customer);
              d.executeUpdate();
            }
        // A call's events span checkpoints: a column keeps its stored value unless this one knows it.
        StringBuilder keep = new StringBuilder();
        for (String c : CALLS.cols)
          if (!c.equals("call_id"))
            keep.append(keep.length() == 0 ? "" : ", ").append(c).append(" = COALESCE(excluded.").append(c)
                .append(", calls.").append(c).append(")");
        merge(s, CALLS, calls.values(), "INSERT INTO calls (" + CALLS.columns() + ") SELECT " + CALLS.casts()
            + " FROM stage_calls ON CONFLICT (call_id) DO UPDATE SET " + keep
            + " WHERE calls.customer_id IS NULL OR calls.customer_id = excluded.customer_id");
        merge(s, PROFILES, profiles.values(), "INSERT OR REPLACE INTO profiles (" + PROFILES.columns() + ") SELECT "
            + PROFILES.casts() + " FROM stage_profiles");
        appended(s, 0, turns, ", seq", ", nextval('turn_seq')");
        appended(s, 1, hits, "", "");
        appended(s, 2, visits, "", "");
        String verb = floors == null ? "INSERT INTO " : "INSERT OR IGNORE INTO ";
        merge(s, CONSENTS, consents, verb + "consent_changes (" + CONSENTS.columns() + ") SELECT "
            + CONSENTS.casts() + " FROM stage_consents");
        merge(s, TOUCHES, touches, verb + "touches (" + TOUCHES.columns() + ") SELECT " + TOUCHES.casts()
            + " FROM stage_touches");
        appended(s, 3, dead, "", "");
        long[] sum = new long[4];
        for (long[] c : counters.values()) for (int i = 0; i < 4; i++) sum[i] += c[i];
        String[] names = {"accepted", "duplicates", "late", "dead_letters"};
        try (PreparedStatement p = conn.prepareStatement(
            "INSERT INTO ingest_counters VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
          for (int i = 0; i < 4; i++) {
            p.setString(1, names[i]);
            p.setLong(2, sum[i]);
            p.addBatch();
          }
          p.executeBatch();
        }
        try (PreparedStatement p = conn.prepareStatement("INSERT OR REPLACE INTO stream_offsets VALUES (?, ?, ?)")) {
          for (Map.Entry<String, long[]> o : offsets.entrySet()) {
            String[] tp = o.getKey().split("\t");
            p.setString(1, tp[0]);
            p.setInt(2, Integer.parseInt(tp[1]));
            p.setLong(3, o.getValue()[0]);
            p.addBatch();
          }
          if (!offsets.isEmpty()) p.executeBatch();
        }
      }
      conn.commit();
    }

    /** An append-only table; after a restore, only rows not stored above the checkpoint's rowid. */
    private void appended(Statement s, int i, List<String[]> rows, String extraCol, String extraVal)
        throws SQLException {
      Table t = APPENDED[i];
      String sql = "INSERT INTO " + t.name + " (" + t.columns() + extraCol + ") SELECT " + t.casts() + extraVal
          + " FROM " + t.stage + " s";
      if (floors != null) {
        StringBuilder same = new StringBuilder();
        for (String k : KEYS[i]) same.append(" AND t.").append(k).append(" = s.").append(k);
        sql += " WHERE NOT EXISTS (SELECT 1 FROM " + t.name + " t WHERE t.rowid > " + floors[i] + same + ")";
      }
      merge(s, t, rows, sql);
    }

    /** Appends the rows to the staging table, runs the merge, empties the staging table. */
    private void merge(Statement s, Table t, Collection<String[]> rows, String sql) throws SQLException {
      if (rows.isEmpty()) return;
      try (DuckDBAppender a = conn.unwrap(DuckDBConnection.class).createAppender("temp", "main", t.stage)) {
        for (String[] r : rows) {
          a.beginRow();
          for (int i = 0; i < t.cols.length; i++) {
            if (r[i] == null) a.appendNull();
            else a.append(r[i]);
          }
          a.endRow();
        }
      }
      s.execute(sql);
      s.execute("DELETE FROM " + t.stage);
    }

    /**
     * Each append-only table's row count less one: its highest rowid when nothing was
     * deleted, lower after an erasure (a restored writer then looks at a few rows more).
     */
    @Override
    public List<String> snapshotState(long checkpointId) throws IOException {
      StringBuilder b = new StringBuilder();
      try (Statement s = conn.createStatement()) {
        for (Table t : APPENDED)
          try (ResultSet r = s.executeQuery("SELECT count(*) - 1 FROM " + t.name)) {
            r.next();
            b.append(b.length() == 0 ? "" : " ").append(r.getLong(1));
          }
        conn.commit();
      } catch (SQLException e) {
        throw new IOException(e);
      }
      return List.of(b.toString());
    }

    @Override
    public void close() throws Exception {
      flush(true);
      conn.close();
    }
  }
}
