package dev.dialwise.peer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dialwise.peer.State.CallState;
import dev.dialwise.peer.State.ConsentMark;
import dev.dialwise.peer.State.Profile;
import dev.dialwise.peer.State.Signals;
import dev.dialwise.peer.State.TouchMark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event applied to its customer's profile: a port of
 * src/pipelines/enrich/enricher.ts (apply and the handlers), profile.ts,
 * contact.ts and models/lead-score.ts, with the simplifications README.md
 * lists. Plain Java with no Flink in it; {@link EnrichOperator} holds the
 * profiles in Flink's keyed state and calls this.
 */
final class Enricher {
  static final long DAY_MS = 86_400_000L;
  static final long WEEK_MS = 7 * DAY_MS;

  /** Where rows go: the operator turns them into records for the sink. */
  interface Out {
    void row(int kind, String... v);

    /** A call changed: its row is written once per checkpoint, its latest state. */
    void call(String key, CallState call);

    /** The call changed earlier in this checkpoint (enricher.ts `c.out.calls`), or null. */
    CallState changed(String key);
  }

  final Terms t;
  final Sealer sealer;

  Enricher(Terms terms, Sealer sealer) {
    this.t = terms;
    this.sealer = sealer;
  }

  // ---- small helpers ----

  static String str(JsonNode e, String field) {
    JsonNode v = e.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  static long ms(String iso) {
    return Events.isoMillis(iso);
  }

  /** The later of two event times (Dialwise keeps the maximum). */
  static String max(String a, String b) {
    return a != null && ms(a) > ms(b) ? a : b;
  }

  static void bump(Map<String, Integer> m, String k) {
    m.merge(k, 1, Integer::sum);
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  static double round6(double v) {
    return Math.round(v * 1e6) / 1e6;
  }

  static String iso(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }

  /** profile.ts idHash: two FNV-1a style 32-bit hashes folded into 53 bits. */
  static long idHash(String id) {
    int h1 = 0x811c9dc5;
    int h2 = 0x5bd1e995;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      h1 = (h1 ^ c) * 0x01000193;
      h2 = (h2 ^ c) * 0x5bd1e995;
    }
    return (h1 & 0xffffffffL) * (1L << 21) + ((h2 & 0xffffffffL) >>> 11);
  }

  /** Whether the customer's dedupe window has not seen this id; remembers it (ring of `window`). */
  boolean firstTime(Profile p, String eventId) {
    long id = idHash(eventId);
    int w = p.recent_ids.length;
    for (int i = 0; i < p.recent_n; i++) if (p.recent_ids[(p.recent_head + i) % w] == id) return false;
    if (p.recent_n < w) p.recent_ids[(p.recent_head + p.recent_n++) % w] = id;
    else {
      p.recent_ids[p.recent_head] = id;
      p.recent_head = (p.recent_head + 1) % w;
    }
    return true;
  }

  // ---- apply (enricher.ts apply) ----

  /** What applying an event did. */
  enum Result { ACCEPTED, DUPLICATE, ERASED }

  /**
   * Applies a valid event to `p` at arrival time `nowMs`; `late` is counted
   * by the caller from `lateOut[0]`.
   */
  Result apply(Profile p, Events.Parsed x, long nowMs, boolean[] lateOut, Out out) {
    JsonNode e = x.event();
    if (!firstTime(p, e.get("event_id").textValue())) return Result.DUPLICATE;
    // A sender's clock running ahead must not pin "latest" fields forever.
    String ts = x.tsMs() > nowMs + t.maxSkewMs ? iso(nowMs) : e.get("ts").textValue();
    long tsMs = Math.min(x.tsMs(), nowMs + t.maxSkewMs);
    boolean late = p.last_event_at != null && ms(p.last_event_at) - tsMs > t.latenessMs;
    lateOut[0] = late;
    switch (x.type()) {
      case "call.started" -> callStarted(p, e, ts, out);
      case "call.answered" -> {
        CallState c = call(p, e, out);
        if (!Boolean.TRUE.equals(c.answered)) p.answered += 1;
        c.answered = true;
      }
      case "call.unanswered" -> {
        CallState c = call(p, e, out);
        c.answered = false;
        c.unanswered_reason = str(e, "reason");
      }
      case "call.abandoned" -> {
        CallState c = call(p, e, out);
        c.answered = false;
        c.abandoned = true;
      }
      case "call.transferred" -> call(p, e, out).transferred_queue = str(e, "queue");
      case "call.ended" -> callEnded(p, e, out);
      case "dialog.turn" -> turn(p, e, ts, tsMs, late, out);
      case "customer.updated" -> customerUpdated(p, e, ts);
      case "web.visit" -> webVisit(p, e, ts, out);
      case "consent.changed" -> consent(p, e, ts, out);
      case "touch.sent", "touch.delivered", "touch.replied" -> touch(p, e, x.type(), ts, out);
      case "customer.erased" -> {
        out.row(Row.ERASE, p.customer_id);
        return Result.ERASED;
      }
      default -> {
        // callback.scheduled and correction.submitted: validated, deduped and
        // counted, no table of theirs is written (README.md).
      }
    }
    p.last_event_at = max(p.last_event_at, ts);
    return Result.ACCEPTED;
  }

  /** The call's state: open, or changed earlier in this checkpoint, or new (enricher.ts call). */
  private CallState call(Profile p, JsonNode e, Out out) {
    String id = e.get("call_id").textValue();
    // Keyed by customer too: another customer's call with the same id stays apart.
    String key = id + "\u0000" + p.customer_id;
    CallState c = p.open_calls.get(id);
    if (c == null) c = out.changed(key);
    if (c == null) {
      c = new CallState(id, p.customer_id);
      // A late event of an ended call updates its row but does not reopen it.
      if (!p.closed_calls.contains(id)) p.open_calls.put(id, c);
    }
    out.call(key, c);
    return c;
  }

  private void callStarted(Profile p, JsonNode e, String ts, Out out) {
    CallState c = call(p, e, out);
    c.campaign_id = str(e, "campaign_id");
    c.script_id = str(e, "script_id");
    c.script_version = str(e, "script_version");
    c.handled_by = str(e, "handled_by");
    c.region = str(e, "region");
    c.product_line = str(e, "product_line");
    c.started_at = str(e, "ts");
    p.calls += 1;
    p.last_call_at = max(p.last_call_at, ts);
    addTouch(p, new TouchMark(c.call_id, ts, "call", c.campaign_id, "marketing"));
  }

  private void callEnded(Profile p, JsonNode e, Out out) {
    CallState c = call(p, e, out);
    c.outcome = str(e, "outcome");
    c.duration_s = e.get("duration_s").asDouble();
    c.ended_at = str(e, "ts");
    bump(p.outcomes, c.outcome);
    p.open_calls.remove(c.call_id);
    p.closed_calls.add(c.call_id);
    if (p.closed_calls.size() > t.closedCallsKept) p.closed_calls.remove(0);
  }

  // ---- dialog turns (enricher.ts turn) ----

  private void turn(Profile p, JsonNode e, String ts, long tsMs, boolean late, Out out) {
    CallState c = call(p, e, out);
    String speaker = str(e, "speaker");
    String text = str(e, "text");
    String[] row = {
      str(e, "event_id"), c.call_id, p.customer_id, e.get("turn").asText(), speaker, text,
      e.get("asr_confidence").asText(), str(e, "ts"), null, null, null, null, null, null,
      Boolean.toString(late), null
    };
    if (speaker.equals("customer")) customerTurn(p, c, e, text, ts, tsMs, row, out);
    else
      for (Terms.ComplianceHit h : t.compliance(text, speaker)) {
        out.row(Row.HIT, str(e, "event_id"), c.call_id, p.customer_id, speaker, h.rule(), h.term(),
            Integer.toString(h.start()), Integer.toString(h.end()), str(e, "ts"));
        c.compliance_hits = (c.compliance_hits == null ? 0 : c.compliance_hits) + 1;
      }
    out.row(Row.TURN, row);
  }

  private void customerTurn(
      Profile p, CallState c, JsonNode e, String text, String ts, long tsMs, String[] row, Out out) {
    String folded = t.fold(text);
    Terms.Intent in = t.intent(folded);
    Terms.Emotion em = t.emotion(folded);
    String objection = t.objection(folded);
    c.peak_impatience = Math.max(c.peak_impatience == null ? 0 : c.peak_impatience, em.impatience());
    // profile.ts applyCustomerTurn (no stated facts: README.md)
    if (!in.outOfScope()) bump(p.intents, in.intent());
    if (objection != null) bump(p.objections, objection);
    p.valence = p.valence_n == 0 ? em.valence() : p.valence + t.valenceAlpha * (em.valence() - p.valence);
    p.valence = round3(p.valence);
    p.valence_n += 1;
    p.last_emotion = em.label();
    String intent = in.intent();
    boolean pos = t.positive.contains(intent), neg = t.negative.contains(intent);
    c.customer_turns = (c.customer_turns == null ? 0 : c.customer_turns) + 1;
    c.positive_intents = (c.positive_intents == null ? 0 : c.positive_intents) + (pos ? 1 : 0);
    c.negative_intents = (c.negative_intents == null ? 0 : c.negative_intents) + (neg ? 1 : 0);
    c.objections = (c.objections == null ? 0 : c.objections) + (objection != null ? 1 : 0);
    c.valence = c.valence == null ? em.valence() : (c.valence + em.valence()) / 2;
    Signals s = c.signals == null ? (c.signals = new Signals()) : c.signals;
    s.valence = s.customerTurns == 0 ? em.valence() : (s.valence + em.valence()) / 2;
    s.lastValence = em.valence();
    s.customerTurns += 1;
    s.positiveIntents += pos ? 1 : 0;
    s.negativeIntents += neg ? 1 : 0;
    s.commitIntents += intent.equals("agree_purchase") ? 1 : 0;
    s.objections += objection != null ? 1 : 0;
    s.customerWords += talkWords(text);
    s.peakImpatience = Math.max(s.peakImpatience, em.impatience());
    c.intent_score = baseline(p, s, tsMs);
    applyCallScore(p, c.intent_score, ts);
    // The spoken opt-out (README.md: the keyword intent opt_out stands for Dialwise's opt-out rules).
    if (intent.equals("opt_out"))
      refusal(p, e, "call", "call_turn", c.call_id, ts, out);
    row[8] = intent;
    row[9] = Double.toString(in.confidence());
    row[10] = Boolean.toString(in.outOfScope());
    row[11] = em.label();
    row[12] = Double.toString(em.valence());
    row[13] = Double.toString(c.intent_score);
    row[15] = Double.toString(em.impatience());
  }

  /** propensity-features.ts talkWords: a Han character counts 0.6 of a word. */
  static double talkWords(String text) {
    int han = 0, words = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
        han++;
        inWord = false;
      } else if (Character.isLetterOrDigit(cp)) {
        if (!inWord) words++;
        inWord = true;
      } else inWord = false;
    }
    return words + 0.6 * han;
  }

  /** The propensity baseline (models/propensity.ts) over the call's signals and the customer's history. */
  double baseline(Profile p, Signals s, long tsMs) {
    JsonNode b = t.baseline;
    boolean pricing = p.last_pricing_visit_at != null && tsMs - ms(p.last_pricing_visit_at) < DAY_MS;
    int conversions = p.outcomes.getOrDefault("converted", 0);
    int complaints = p.outcomes.getOrDefault("complaint", 0) + p.intents.getOrDefault("complaint", 0);
    double x = b.path("bias").asDouble()
        + term(b, "positiveIntents", s.positiveIntents)
        + term(b, "negativeIntents", s.negativeIntents)
        + term(b, "objections", s.objections)
        + b.path("valence").path("weight").asDouble() * s.valence
        + term(b, "customerTurns", s.customerTurns)
        + (pricing ? b.path("recentPricingVisit").path("weight").asDouble() : 0)
        + term(b, "webVisits", p.web_visits)
        + term(b, "priorConversions", conversions)
        + term(b, "complaints", complaints);
    return round3(1 / (1 + Math.exp(-x)));
  }

  private static double term(JsonNode b, String name, double v) {
    JsonNode f = b.path(name);
    return f.path("weight").asDouble() * Math.min(v, f.path("cap").asDouble());
  }

  // ---- the intent score (models/lead-score.ts) ----

  double faded(double value, String at, long nowMs, double halfLifeDays) {
    if (at == null || value == 0) return value;
    double days = Math.max(0, nowMs - ms(at)) / (double) DAY_MS;
    return value * Math.pow(0.5, days / halfLifeDays);
  }

  double leadScore(Profile p, long nowMs) {
    double dialog = faded(p.dialog_score, p.dialog_at, nowMs, t.lead.path("dialogHalfLifeDays").asDouble());
    double load = faded(p.engagement, p.engagement_at, nowMs, t.lead.path("engagementHalfLifeDays").asDouble());
    return round3(1 - (1 - dialog) * Math.exp(-load));
  }

  void addEngagement(Profile p, double w, String ts) {
    double half = t.lead.path("engagementHalfLifeDays").asDouble();
    if (p.engagement_at == null || ms(ts) >= ms(p.engagement_at)) {
      double before = faded(p.engagement, p.engagement_at, ms(ts), half);
      p.engagement = round6(before + w);
      p.engagement_at = ts;
    } else p.engagement = round6(p.engagement + faded(w, ts, ms(p.engagement_at), half));
  }

  void applyCallScore(Profile p, double callScore, String ts) {
    p.dialog_score = round3(0.7 * callScore + 0.3 * p.dialog_score);
    p.dialog_at = max(p.dialog_at, ts);
    p.intent_score = leadScore(p, ms(ts));
  }

  private void webVisit(Profile p, JsonNode e, String ts, Out out) {
    String page = str(e, "page");
    p.web_visits += 1;
    boolean repeat = p.pages.getOrDefault(page, 0) > 0;
    bump(p.pages, page);
    String product = str(e, "product");
    if (product != null) bump(p.products, product);
    p.last_visit_at = max(p.last_visit_at, ts);
    boolean pricing = t.isPricingPage(page);
    if (pricing) p.last_pricing_visit_at = max(p.last_pricing_visit_at, ts);
    JsonNode l = t.lead;
    double duration = e.has("duration_s") ? e.get("duration_s").asDouble() : 0;
    if (repeat) duration += 60; // a page seen again is a stronger signal
    double base = pricing ? l.path("pricingPage").asDouble() : l.path("otherPage").asDouble();
    double time = Math.min(l.path("maxTimeBonus").asDouble(), l.path("perMinute").asDouble() * duration / 60);
    String source = str(e, "source");
    double message = source == null ? 0 : l.path("fromMessage").path(source).asDouble(0);
    addEngagement(p, Math.min(1, base + time + message), ts);
    p.intent_score = leadScore(p, ms(ts));
    out.row(Row.VISIT, str(e, "event_id"), p.customer_id, page, product, str(e, "ts"));
  }

  // ---- the contact record (contact.ts, core/contact-record.ts) ----

  /** Adds a touch once per id and channel, keeping those within 7 days of the newest. */
  static void addTouch(Profile p, TouchMark m) {
    for (TouchMark x : p.touches) if (x.id.equals(m.id) && x.channel.equals(m.channel)) return;
    p.touches.add(m);
    p.touches.sort((a, b) -> Long.compare(ms(a.at), ms(b.at)));
    long newest = ms(p.touches.get(p.touches.size() - 1).at);
    p.touches.removeIf(x -> newest - ms(x.at) >= WEEK_MS);
  }

  static int contactsInWeek(Profile p, long nowMs) {
    int n = 0;
    for (TouchMark x : p.touches) {
      long at = ms(x.at);
      if ("marketing".equals(x.purpose) && nowMs - at < WEEK_MS && at <= nowMs) n++;
    }
    return n;
  }

  private static boolean later(ConsentMark a, ConsentMark b) {
    if (!a.ts.equals(b.ts)) return ms(a.ts) > ms(b.ts);
    if (a.granted != b.granted) return !a.granted;
    return a.id.compareTo(b.id) > 0;
  }

  private static String earliest(String a, String b) {
    return a == null ? b : b == null ? a : ms(a) <= ms(b) ? a : b;
  }

  /** foldConsent: the ledger keeps, per scope and purpose, the latest change and the first grant. */
  static void foldConsent(Profile p, String scope, String purpose, boolean granted, String ts, String id) {
    String key = scope + "/" + (purpose == null ? "all" : purpose);
    ConsentMark prev = p.consent.get(key);
    ConsentMark m = new ConsentMark();
    m.granted = granted;
    m.ts = ts;
    m.id = id;
    String grant = granted ? ts : null;
    if (prev == null || later(m, prev)) {
      m.first_grant = earliest(prev == null ? null : prev.first_grant, grant);
      p.consent.put(key, m);
    } else prev.first_grant = earliest(prev.first_grant, grant);
  }

  /** consentState for marketing on a channel: granted, refused, withdrawn or unknown. */
  static String consentState(Profile p, String channel) {
    ConsentMark last = null;
    for (Map.Entry<String, ConsentMark> e : p.consent.entrySet()) {
      String k = e.getKey();
      int slash = k.indexOf('/');
      String ch = k.substring(0, slash), pu = k.substring(slash + 1);
      if (!pu.equals("marketing") && !pu.equals("all")) continue;
      if (!ch.equals(channel) && !ch.equals("all")) continue;
      if (last == null || later(e.getValue(), last)) last = e.getValue();
    }
    if (last == null) return "unknown";
    return last.granted ? "granted" : "refused";
  }

  private void consent(Profile p, JsonNode e, String ts, Out out) {
    String scope = str(e, "scope"), purpose = str(e, "purpose");
    boolean granted = e.get("granted").asBoolean();
    foldConsent(p, scope, purpose, granted, ts, str(e, "event_id"));
    JsonNode ev = e.path("evidence");
    String text = str(ev, "text");
    out.row(Row.CONSENT, str(e, "event_id"), p.customer_id, scope, purpose, Boolean.toString(granted),
        str(ev, "source"), str(ev, "call_id"), str(ev, "event_id"), str(ev, "cue"),
        text == null ? null : sealer.encrypt(text), str(e, "ts"));
  }

  /** A refusal an utterance or reply makes (contact.ts refusal): every purpose, the words as proof. */
  private void refusal(Profile p, JsonNode e, String scope, String source, String callId, String ts, Out out) {
    String id = str(e, "event_id") + ":opt-out";
    foldConsent(p, scope, null, false, ts, id);
    out.row(Row.CONSENT, id, p.customer_id, scope, null, "false", source, callId, str(e, "event_id"), null,
        sealer.encrypt(str(e, "text")), str(e, "ts"));
  }

  private void touch(Profile p, JsonNode e, String type, String ts, Out out) {
    String kind = type.substring("touch.".length());
    String channel = str(e, "channel");
    boolean sent = kind.equals("sent");
    String purpose = sent ? (e.has("purpose") ? str(e, "purpose") : "marketing") : null;
    String campaign = sent ? str(e, "campaign_id") : null;
    String delivered = kind.equals("delivered") ? Boolean.toString(!e.has("delivered") || e.get("delivered").asBoolean()) : null;
    String text = kind.equals("replied") ? str(e, "text") : null;
    out.row(Row.TOUCH, str(e, "event_id"), kind, str(e, "touch_id"), p.customer_id, channel, campaign,
        purpose, delivered, text == null ? null : sealer.encrypt(text), str(e, "ts"));
    if (sent) addTouch(p, new TouchMark(str(e, "touch_id"), ts, channel, campaign, purpose));
    if (text == null) return;
    Terms.Intent in = t.intent(t.fold(text));
    p.replies += 1;
    p.last_reply_at = max(p.last_reply_at, ts);
    if (in.intent().equals("opt_out")) {
      String source = channel.equals("call") ? "call_turn" : channel + "_reply";
      refusal(p, e, channel, source, null, ts, out);
      return;
    }
    boolean interested = t.positive.contains(in.intent());
    addEngagement(p, interested ? t.lead.path("interestedReply").asDouble() : t.lead.path("otherReply").asDouble(), ts);
    p.intent_score = leadScore(p, ms(ts));
  }

  // ---- CRM (profile.ts applyCustomerUpdate) ----

  private void customerUpdated(Profile p, JsonNode e, String ts) {
    for (Iterator<Map.Entry<String, JsonNode>> it = e.get("fields").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (Events.PERSONAL.contains(k) || (v.isNull() && p.personal.containsKey(k))) setPersonal(p, k, v, ts);
      else {
        String prev = p.crm_ts.get(k);
        if (prev != null && ms(prev) > ms(ts)) continue;
        p.crm.put(k, v.toString());
        p.crm_ts.put(k, ts);
      }
    }
    JsonNode unmapped = e.get("unmapped");
    if (unmapped != null)
      for (Iterator<Map.Entry<String, JsonNode>> it = unmapped.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        p.crm_unmapped.put(f.getKey(), f.getValue().toString());
      }
  }

  private static void setPersonal(Profile p, String key, JsonNode v, String ts) {
    String prev = p.pii_ts.get(key);
    if (prev != null && ms(prev) > ms(ts)) return;
    p.pii_ts.put(key, ts);
    String text = v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    if (key.equals("name")) p.name = text;
    else if (key.equals("phone")) p.phone = text;
    else if (text == null) p.personal.remove(key);
    else p.personal.put(key, text);
    p.seal_stale = true;
  }

  // ---- tags (tags.ts over profile.ts profileView) ----

  /** The flat view the tag rules read, at `nowMs`. */
  Map<String, Object> view(Profile p, long nowMs) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("intent_score", leadScore(p, nowMs));
    v.put("calls", (double) p.calls);
    v.put("answered", (double) p.answered);
    v.put("contacts_7d", (double) contactsInWeek(p, nowMs));
    v.put("last_call_at", p.last_call_at);
    v.put("web.visits", (double) p.web_visits);
    v.put("web.last_visit_at", p.last_visit_at);
    v.put("web.last_pricing_visit_at", p.last_pricing_visit_at);
    v.put("emotion.valence", p.valence_n > 0 ? p.valence : null);
    v.put("emotion.last", p.last_emotion);
    p.crm.forEach((k, json) -> v.put("crm." + k, scalar(json)));
    for (String ch : Events.CHANNELS) {
      String state = consentState(p, ch);
      if (!state.equals("unknown")) v.put("consent." + ch, state.equals("granted"));
    }
    p.outcomes.forEach((k, n) -> v.put("outcomes." + k, (double) n));
    p.intents.forEach((k, n) -> v.put("intents." + k, (double) n));
    p.objections.forEach((k, n) -> v.put("objections." + k, (double) n));
    return v;
  }

  /** A CRM value kept as JSON text, back as a String, Double, Boolean or null. */
  static Object scalar(String json) {
    if (json.equals("null")) return null;
    if (json.equals("true") || json.equals("false")) return Boolean.valueOf(json);
    if (json.startsWith("\"")) {
      try {
        return Json.MAPPER.readTree(json).textValue();
      } catch (Exception e) {
        return json;
      }
    }
    try {
      return Double.valueOf(json);
    } catch (NumberFormatException e) {
      return json;
    }
  }

  List<String> tags(Profile p, long nowMs) {
    Map<String, Object> view = view(p, nowMs);
    List<String> out = new ArrayList<>();
    for (JsonNode r : t.tags) {
      boolean all = true;
      for (Iterator<Map.Entry<String, JsonNode>> it = r.path("when").fields(); it.hasNext() && all; ) {
        Map.Entry<String, JsonNode> c = it.next();
        all = holds(c.getValue(), view.get(c.getKey()), nowMs);
      }
      boolean some = !r.has("any");
      for (Iterator<Map.Entry<String, JsonNode>> it = r.path("any").fields(); it.hasNext() && !some; ) {
        Map.Entry<String, JsonNode> c = it.next();
        some = holds(c.getValue(), view.get(c.getKey()), nowMs);
      }
      String tag = r.path("tag").asText();
      if (all && some && !out.contains(tag)) out.add(tag);
    }
    return out;
  }

  private static boolean same(JsonNode c, Object v) {
    if (v == null) return false;
    if (c.isNumber()) return v instanceof Double d && d == c.asDouble();
    if (c.isBoolean()) return v instanceof Boolean b && b == c.asBoolean();
    return v instanceof String s && s.equals(c.asText());
  }

  private static final Map<Character, Long> UNIT = Map.of('m', 60_000L, 'h', 3_600_000L, 'd', DAY_MS);

  static boolean holds(JsonNode c, Object v, long nowMs) {
    boolean present = v != null;
    if (c.has("exists") && c.get("exists").asBoolean() != present) return false;
    if (c.has("eq") && !same(c.get("eq"), v)) return false;
    if (c.has("ne") && same(c.get("ne"), v)) return false;
    if (c.has("in")) {
      boolean found = false;
      for (JsonNode x : c.get("in")) found |= same(x, v);
      if (!found) return false;
    }
    double n = v instanceof Double d ? d : Double.NaN;
    if (c.has("gt") && !(n > c.get("gt").asDouble())) return false;
    if (c.has("gte") && !(n >= c.get("gte").asDouble())) return false;
    if (c.has("lt") && !(n < c.get("lt").asDouble())) return false;
    if (c.has("lte") && !(n <= c.get("lte").asDouble())) return false;
    if (c.has("within")) {
      String w = c.get("within").asText();
      long dur = Long.parseLong(w.substring(0, w.length() - 1)) * UNIT.get(w.charAt(w.length() - 1));
      long at = v instanceof String s ? ms(s) : Long.MIN_VALUE;
      if (at == Long.MIN_VALUE || !(nowMs - at <= dur && at <= nowMs + 60_000)) return false;
    }
    return true;
  }
}
