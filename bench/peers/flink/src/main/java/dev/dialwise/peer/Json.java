package dev.dialwise.peer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dialwise.peer.State.CallState;
import dev.dialwise.peer.State.ConsentMark;
import dev.dialwise.peer.State.Profile;
import dev.dialwise.peer.State.TouchMark;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The profile as profiles.state holds it (sinks/rows.ts profileRow): every
 * field but name, phone and personal data (sealed in their own columns),
 * with Dialwise's keys; the dedupe window packed as base64 of its float64s,
 * oldest first, as Dialwise packs it.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static String state(Profile p) {
    StringWriter w = new StringWriter(1024);
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("customer_id", p.customer_id);
      rawObject(g, "crm", p.crm);
      strings(g, "crm_ts", p.crm_ts);
      rawObject(g, "crm_unmapped", p.crm_unmapped);
      strings(g, "pii_ts", p.pii_ts);
      g.writeObjectFieldStart("consent");
      for (Map.Entry<String, ConsentMark> e : p.consent.entrySet()) {
        ConsentMark m = e.getValue();
        g.writeObjectFieldStart(e.getKey());
        g.writeBooleanField("granted", m.granted);
        g.writeStringField("ts", m.ts);
        g.writeStringField("id", m.id);
        g.writeStringField("first_grant", m.first_grant);
        g.writeEndObject();
      }
      g.writeEndObject();
      g.writeNumberField("calls", p.calls);
      g.writeNumberField("answered", p.answered);
      counts(g, "outcomes", p.outcomes);
      g.writeStringField("last_call_at", p.last_call_at);
      g.writeArrayFieldStart("touches");
      for (TouchMark t : p.touches) {
        g.writeStartObject();
        g.writeStringField("id", t.id);
        g.writeStringField("at", t.at);
        g.writeStringField("channel", t.channel);
        g.writeStringField("campaign", t.campaign);
        g.writeStringField("purpose", t.purpose);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("replies", p.replies);
      g.writeStringField("last_reply_at", p.last_reply_at);
      g.writeNumberField("web_visits", p.web_visits);
      counts(g, "pages", p.pages);
      counts(g, "products", p.products);
      g.writeStringField("last_visit_at", p.last_visit_at);
      g.writeStringField("last_pricing_visit_at", p.last_pricing_visit_at);
      counts(g, "intents", p.intents);
      counts(g, "objections", p.objections);
      g.writeObjectFieldStart("facts");
      g.writeEndObject();
      g.writeNumberField("valence", p.valence);
      g.writeNumberField("valence_n", p.valence_n);
      g.writeStringField("last_emotion", p.last_emotion);
      g.writeNumberField("intent_score", p.intent_score);
      g.writeNumberField("dialog_score", p.dialog_score);
      g.writeStringField("dialog_at", p.dialog_at);
      g.writeNumberField("engagement", p.engagement);
      g.writeStringField("engagement_at", p.engagement_at);
      list(g, "tags", p.tags);
      g.writeNullField("callback");
      g.writeObjectFieldStart("open_calls");
      for (Map.Entry<String, CallState> e : p.open_calls.entrySet()) {
        g.writeFieldName(e.getKey());
        MAPPER.writeValue(g, e.getValue());
      }
      g.writeEndObject();
      list(g, "closed_calls", p.closed_calls);
      g.writeStringField("recent_ids", packIds(p));
      g.writeStringField("last_event_at", p.last_event_at);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void strings(JsonGenerator g, String name, Map<String, String> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, String> e : m.entrySet()) g.writeStringField(e.getKey(), e.getValue());
    g.writeEndObject();
  }

  private static void counts(JsonGenerator g, String name, Map<String, Integer> m) throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, Integer> e : m.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
    g.writeEndObject();
  }

  static void list(JsonGenerator g, String name, List<String> xs) throws IOException {
    g.writeArrayFieldStart(name);
    for (String x : xs) g.writeString(x);
    g.writeEndArray();
  }

  static String packIds(Profile p) {
    ByteBuffer b = ByteBuffer.allocate(8 * p.recent_n).order(ByteOrder.LITTLE_ENDIAN);
    int w = p.recent_ids.length;
    for (int i = 0; i < p.recent_n; i++) b.putDouble((double) p.recent_ids[(p.recent_head + i) % w]);
    return Base64.getEncoder().encodeToString(b.array());
  }

  static String array(List<String> xs) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(w)) {
      g.writeStartArray();
      for (String x : xs) g.writeString(x);
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** An object whose values are JSON text already (CRM values as the events gave them). */
  private static void rawObject(JsonGenerator g, String name, Map<String, String> values)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<String, String> e : values.entrySet()) {
      g.writeFieldName(e.getKey());
      g.writeRawValue(e.getValue());
    }
    g.writeEndObject();
  }
}
