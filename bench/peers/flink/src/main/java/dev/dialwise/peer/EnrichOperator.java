package dev.dialwise.peer;

import dev.dialwise.peer.State.CallState;
import dev.dialwise.peer.State.Profile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The keyed enrichment, keyed by customer_id. An operator rather than a
 * KeyedProcessFunction for one reason: {@link #prepareSnapshotPreBarrier}
 * lets it emit, just before each checkpoint barrier, one row per profile and
 * per call changed since the last one (as Dialwise writes each changed
 * profile once per commit), instead of a row at every event. The profiles
 * live in Flink's keyed ValueState on the heap state backend; counters and
 * source offsets of this subtask in operator state. Everything emitted
 * before a barrier belongs to that checkpoint, so a restore never misses a
 * row and a replay only writes rows the sink's upserts store once.
 */
public class EnrichOperator extends AbstractStreamOperator<Row>
    implements OneInputStreamOperator<Raw, Row>, BoundedOneInput {
  private static final long serialVersionUID = 1L;

  private final String termsJson;
  private final String secret;
  private final long failAfter;

  private transient Enricher enricher;
  private transient ValueState<Profile> profiles;
  private transient ListState<String> saved;
  /** Customers and calls changed since the last barrier. */
  private transient LinkedHashSet<String> dirty;
  private transient LinkedHashMap<String, CallState> calls;
  private transient Map<String, long[]> offsets;
  private transient long accepted, duplicates, late, dead;
  private transient int subtask;
  private transient long[] histogram;
  private transient boolean[] lateOut;
  private transient Enricher.Out out;

  EnrichOperator(String termsJson, byte[] secret, long failAfter) {
    this.termsJson = termsJson;
    this.secret = Base64.getEncoder().encodeToString(secret);
    this.failAfter = failAfter;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
    offsets = new HashMap<>();
    saved = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("counters", String.class));
    if (context.isRestored()) {
      Stats.RESTORES.incrementAndGet();
      for (String s : saved.get()) restore(s);
    }
    Stats.TAKEN.set(subtask, accepted + duplicates + dead);
  }

  /** "accepted duplicates late dead" then "topic partition next" lines. */
  private void restore(String s) {
    String[] lines = s.split("\n");
    String[] c = lines[0].split(" ");
    accepted += Long.parseLong(c[0]);
    duplicates += Long.parseLong(c[1]);
    late += Long.parseLong(c[2]);
    dead += Long.parseLong(c[3]);
    for (int i = 1; i < lines.length; i++) {
      String[] o = lines[i].split("\t");
      offsets.merge(o[0] + "\t" + o[1], new long[] {Long.parseLong(o[2])}, (a, b) -> a[0] >= b[0] ? a : b);
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    enricher = new Enricher(Terms.parse(termsJson), new Sealer(Base64.getDecoder().decode(secret)));
    profiles = getPartitionedState(new ValueStateDescriptor<>("profile", TypeInformation.of(Profile.class)));
    dirty = new LinkedHashSet<>();
    calls = new LinkedHashMap<>();
    histogram = new long[Stats.HISTOGRAM_MS + 1];
    Stats.HISTOGRAMS.add(histogram);
    lateOut = new boolean[1];
    out = new Enricher.Out() {
      @Override
      public void row(int kind, String... v) {
        output.collect(new StreamRecord<>(new Row(kind, v)));
      }

      @Override
      public void call(String key, CallState c) {
        calls.put(key, c);
      }

      @Override
      public CallState changed(String key) {
        return calls.get(key);
      }
    };
  }

  @Override
  public void processElement(StreamRecord<Raw> element) throws IOException {
    Raw r = element.getValue();
    long now = System.currentTimeMillis();
    if (Stats.FIRST_NANOS.get() == 0 && Stats.FIRST_NANOS.compareAndSet(0, System.nanoTime()))
      Stats.FIRST_CPU.set(Stats.processCpuNanos());
    if (failAfter > 0 && Stats.taken() >= failAfter && Stats.FAILED.compareAndSet(false, true))
      throw new IllegalStateException("--fail-after " + failAfter + ": the injected failure");
    offsets.merge(r.topic + "\t" + r.partition, new long[] {r.offset + 1}, (a, b) -> a[0] >= b[0] ? a : b);
    Events.Parsed x = Events.parse(r.value);
    if (x.reason() == null && !r.key.equals(x.event().get("customer_id").textValue()))
      x = new Events.Parsed(null, null, 0, "customer_id appears more than once");
    if (x.reason() != null) {
      out.row(Row.DEAD, Enricher.iso(now), r.topic, x.reason(), payload(r.value), null);
      dead++;
      Stats.TAKEN.incrementAndGet(subtask);
      return;
    }
    Profile p = profiles.value();
    if (p == null) {
      p = new Profile(r.key, enricher.t.dedupeWindow);
      profiles.update(p);
    }
    // The heap backend hands out the stored object (a copy while a snapshot
    // still holds the old one): it is changed in place, no update() per event.
    Enricher.Result res = enricher.apply(p, x, now, lateOut, out);
    if (res == Enricher.Result.DUPLICATE) duplicates++;
    else {
      accepted++;
      if (lateOut[0]) late++;
      if (res == Enricher.Result.ERASED) {
        profiles.clear();
        dirty.remove(r.key);
        calls.values().removeIf(c -> c.customer_id.equals(r.key));
      } else dirty.add(r.key);
    }
    long latency = System.currentTimeMillis() - r.timestamp;
    histogram[(int) Math.max(0, Math.min(Stats.HISTOGRAM_MS, latency))]++;
    Stats.TAKEN.incrementAndGet(subtask);
  }

  /** Dead letters keep the payload (up to 16 KiB, as Dialwise shows it). */
  private static String payload(String v) {
    return v.length() > 16_384 ? v.substring(0, 16_384) + "…(truncated)" : v;
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void endInput() {
    flush();
  }

  /** The changed calls and profiles, then this subtask's counters and offsets. */
  private void flush() {
    long now = System.currentTimeMillis();
    String updated = Enricher.iso(now);
    for (CallState c : calls.values())
      out.row(Row.CALL, c.call_id, c.customer_id, c.campaign_id, c.script_id, c.script_version,
          c.handled_by, c.region, c.product_line, c.started_at, str(c.answered), c.unanswered_reason,
          c.transferred_queue, c.outcome, str(c.duration_s), c.ended_at, str(c.customer_turns),
          str(c.positive_intents), str(c.negative_intents), str(c.objections), str(c.valence),
          str(c.intent_score), str(c.compliance_hits), str(c.peak_impatience), str(c.abandoned));
    calls.clear();
    Object key = getCurrentKey();
    for (String id : dirty) {
      setCurrentKey(id);
      Profile p;
      try {
        p = profiles.value();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (p == null) continue;
      p.tags = enricher.tags(p, now);
      seal(p);
      out.row(Row.PROFILE, p.customer_id, Json.state(p), p.name_enc, p.phone_enc, p.phone_hash,
          p.personal_enc, Double.toString(p.intent_score), Json.array(p.tags), updated);
    }
    dirty.clear();
    if (key != null) setCurrentKey(key);
    out.row(Row.COUNTERS, Integer.toString(subtask), Long.toString(accepted), Long.toString(duplicates),
        Long.toString(late), Long.toString(dead));
    for (Map.Entry<String, long[]> o : offsets.entrySet()) {
      String[] tp = o.getKey().split("\t");
      out.row(Row.OFFSET, tp[0], tp[1], Long.toString(o.getValue()[0]));
    }
  }

  private void seal(Profile p) {
    if (!p.seal_stale) return;
    p.name_enc = p.name == null ? null : enricher.sealer.encrypt(p.name);
    p.phone_enc = p.phone == null ? null : enricher.sealer.encrypt(p.phone);
    p.phone_hash = p.phone == null ? null : enricher.sealer.lookupHash(p.phone);
    p.personal_enc = p.personal.isEmpty() ? null : enricher.sealer.encrypt(Json.MAPPER.valueToTree(p.personal).toString());
    p.seal_stale = false;
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    StringBuilder b = new StringBuilder();
    b.append(accepted).append(' ').append(duplicates).append(' ').append(late).append(' ').append(dead);
    for (Map.Entry<String, long[]> o : offsets.entrySet())
      b.append('\n').append(o.getKey()).append('\t').append(o.getValue()[0]);
    List<String> one = new ArrayList<>();
    one.add(b.toString());
    saved.update(one);
  }
}
