package dev.dialwise.peer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Decoding and validation of one event, ported by hand from Dialwise's zod
 * schemas (src/core/events/v1/*.ts and parseEvent in src/core/events/index.ts):
 * the same types, fields, bounds and strictness (an unknown key is an
 * error), nesting at most 16 deep, no lone UTF-16 surrogates, no __proto__
 * key. The reasons are worded like Dialwise's but not identical.
 */
public final class Events {
  private Events() {}

  /** The result of decoding: the event, or the reason it is a dead letter. */
  public record Parsed(JsonNode event, String type, long tsMs, String reason) {}

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
              .build());

  static final Set<String> RESERVED = Set.of("__proto__", "constructor", "prototype");
  static final List<String> CHANNELS = List.of("call", "sms", "wechat", "email");
  static final List<String> OUTCOMES =
      List.of("converted", "interested", "callback", "rejected", "complaint", "no_decision");
  static final List<String> PERSONAL =
      List.of("name", "phone", "email", "id_number", "wechat", "address");

  /** A field's check: null when the value is fine, else the message. */
  private interface Check extends Function<JsonNode, String> {}

  private record Field(String name, boolean required, Check check) {}

  private static final Map<String, List<Field>> SCHEMAS = new HashMap<>();

  // ---- field checks (zod's message wording where it is short) ----

  private static Check string(int min, int max, boolean notReserved) {
    return v -> {
      if (!v.isTextual()) return "expected string";
      int n = v.textValue().length();
      if (n < min) return "too short (at least " + min + ")";
      if (n > max) return "too long (at most " + max + ")";
      if (notReserved && RESERVED.contains(v.textValue()))
        return "is a reserved name (__proto__, constructor, prototype)";
      return null;
    };
  }

  private static final Check ID = string(1, 64, true);
  private static final Check LABEL = string(1, 128, true);
  private static final Check BOOL = v -> v.isBoolean() ? null : "expected boolean";
  private static final Check DATETIME =
      v -> v.isTextual() && isoMillis(v.textValue()) != Long.MIN_VALUE ? null : "Invalid ISO datetime";
  private static final Check INT32 =
      v -> {
        if (!v.isNumber()) return "expected number";
        double d = v.asDouble();
        if (d != Math.floor(d) || Double.isInfinite(d)) return "expected int";
        return d < 0 || d > 2_147_483_647d ? "out of range" : null;
      };

  private static Check number(double min, double max, boolean positive) {
    return v -> {
      if (!v.isNumber()) return "expected number";
      double d = v.asDouble();
      if (!Double.isFinite(d)) return "expected number";
      if (positive && d <= 0) return "too small (must be positive)";
      if (d < min) return "too small (at least " + min + ")";
      return d > max ? "too big (at most " + max + ")" : null;
    };
  }

  private static Check oneOf(List<String> values) {
    return v -> v.isTextual() && values.contains(v.textValue()) ? null : "expected one of " + values;
  }

  private static Check nullable(Check c) {
    return v -> v.isNull() ? null : c.apply(v);
  }

  private static Check object(List<Field> fields, boolean strict) {
    return v -> v.isObject() ? checkFields(v, fields, strict, "") : "expected object";
  }

  private static Field req(String name, Check c) {
    return new Field(name, true, c);
  }

  private static Field opt(String name, Check c) {
    return new Field(name, false, c);
  }

  static {
    List<String> purposes = List.of("marketing", "service");
    Field call = req("call_id", ID);
    schema("call.started", call, req("campaign_id", LABEL), req("script_id", LABEL),
        req("script_version", LABEL), req("handled_by", oneOf(List.of("bot", "human"))),
        req("region", LABEL), req("product_line", LABEL));
    schema("call.answered", call);
    schema("call.unanswered", call,
        req("reason", oneOf(List.of("no_answer", "busy", "voicemail", "invalid_number"))));
    schema("call.abandoned", call, req("wait_s", number(0, 600, false)));
    schema("call.transferred", call, req("reason", LABEL), req("queue", LABEL));
    schema("call.ended", call, req("duration_s", number(0, 86_400, false)),
        req("outcome", oneOf(OUTCOMES)));
    schema("callback.scheduled", opt("call_id", ID), req("at", DATETIME),
        req("source", oneOf(List.of("agent", "customer", "dialer"))), opt("note", string(0, 500, false)));
    Check prosody = object(List.of(
        req("pitch_hz", nullable(number(-1, 5_000, true))), req("rate_sps", number(0, 100, false)),
        req("pause_ratio", number(0, 1, false)), req("energy_db", number(-200, 200, false)),
        req("speech_s", number(0, 86_400, false))), true);
    schema("dialog.turn", call, req("turn", INT32),
        req("speaker", oneOf(List.of("customer", "bot", "agent"))), req("text", string(0, 4000, false)),
        req("asr_confidence", number(0, 1, false)), opt("prosody", prosody),
        opt("audio_ref", string(0, 2048, false)));
    schema("correction.submitted", call, req("turn", INT32), opt("corrected_text", string(0, 4000, false)),
        opt("corrected_intent", LABEL), req("submitted_by", LABEL));
    schema("customer.updated", req("fields", Events::crmFields), opt("unmapped", Events::unmapped));
    schema("web.visit", req("page", string(1, 2048, true)), opt("product", LABEL),
        opt("duration_s", number(0, 86_400, false)),
        opt("source", oneOf(List.of("email", "wechat", "sms", "ad", "search", "direct"))));
    List<String> scopes = new ArrayList<>(CHANNELS);
    scopes.add("all");
    Check evidence = object(List.of(
        req("source", oneOf(List.of("call_turn", "agent", "api", "web_form", "sms_reply", "wechat_reply",
            "email_reply", "unsubscribe_link", "customer_page", "crm_import"))),
        opt("call_id", string(1, 64, false)), opt("event_id", string(1, 128, false)),
        opt("cue", string(1, 128, false)), opt("text", string(1, 4000, false))), true);
    schema("consent.changed", req("scope", oneOf(scopes)), opt("purpose", oneOf(purposes)),
        req("granted", BOOL), opt("evidence", evidence));
    Field touch = req("touch_id", ID);
    Field channel = req("channel", oneOf(CHANNELS));
    schema("touch.sent", touch, channel, opt("campaign_id", LABEL), opt("purpose", oneOf(purposes)));
    schema("touch.delivered", touch, channel, opt("delivered", BOOL));
    schema("touch.replied", touch, channel, req("text", string(1, 4000, false)));
    schema("customer.erased", req("requested_by", LABEL));
  }

  private static void schema(String type, Field... own) {
    List<Field> fields = new ArrayList<>();
    fields.add(req("event_id", string(8, 128, false)));
    fields.add(req("ts", DATETIME));
    fields.add(req("schema_version", v -> v.isNumber() && v.asDouble() == 1 ? null : "expected 1"));
    fields.add(req("customer_id", ID));
    fields.add(req("type", v -> null));
    fields.addAll(List.of(own));
    SCHEMAS.put(type, fields);
  }

  /** customer.updated's fields: the named ones, then any other scalar (at most 200 fields). */
  private static String crmFields(JsonNode v) {
    if (!v.isObject()) return "expected object";
    if (v.size() > 200) return "at most 200 fields";
    List<String> problems = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode x = e.getValue();
      String p = switch (k) {
        case "name" -> nullable(string(1, 200, false)).apply(x);
        case "phone" -> x.isNull() ? null
            : x.isTextual() && x.textValue().matches("^\\+?[0-9 ()-]{5,32}$") ? null
            : "phone must be digits, spaces, +, - or ()";
        case "email" -> nullable(string(1, 254, false)).apply(x);
        case "id_number", "wechat" -> nullable(string(1, 64, false)).apply(x);
        case "address" -> nullable(string(1, 500, false)).apply(x);
        case "region", "industry", "company_size", "customer_tier", "timezone" -> nullable(LABEL).apply(x);
        default -> x.isNull() || x.isBoolean() || (x.isNumber() && Double.isFinite(x.asDouble()))
            || (x.isTextual() && x.textValue().length() <= 1000) ? null : "Invalid input";
      };
      if (p != null) problems.add(k + ": " + p);
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private static String unmapped(JsonNode v) {
    if (!v.isObject()) return "expected record";
    for (Iterator<String> it = v.fieldNames(); it.hasNext(); )
      if (it.next().length() > 128) return "a key is too long (at most 128)";
    return v.toString().length() <= 16_384 ? null : "unmapped fields are at most 16384 characters of JSON";
  }

  /** Checks an object's fields: required ones present, each valid, no others (strict). */
  private static String checkFields(JsonNode obj, List<Field> fields, boolean strict, String at) {
    List<String> problems = new ArrayList<>();
    for (Field f : fields) {
      JsonNode v = obj.get(f.name);
      if (v == null) {
        if (f.required) problems.add(at + f.name + ": Invalid input: expected a value, received undefined");
        continue;
      }
      String p = f.check.apply(v);
      if (p != null) problems.add(at + f.name + ": " + p);
    }
    if (strict)
      for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (fields.stream().noneMatch(f -> f.name.equals(k)))
          problems.add((at.isEmpty() ? "(event)" : at) + ": Unrecognized key: \"" + k + "\"");
      }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /** A lone surrogate or a __proto__ key anywhere: the path, else null. */
  private static String illFormed(JsonNode v, String path) {
    if (v.isTextual()) return wellFormed(v.textValue()) ? null : path;
    if (v.isArray()) {
      for (int i = 0; i < v.size(); i++) {
        String p = illFormed(v.get(i), path + "[" + i + "]");
        if (p != null) return p;
      }
    } else if (v.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().equals("__proto__") || !wellFormed(e.getKey())) return p;
        String q = illFormed(e.getValue(), p);
        if (q != null) return q;
      }
    }
    return null;
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
        i++;
      } else if (Character.isLowSurrogate(c)) return false;
    }
    return true;
  }

  /** Decodes and validates one raw message (parseEvent). */
  public static Parsed parse(String raw) {
    JsonNode v;
    try {
      v = JSON.readTree(raw);
    } catch (Exception e) {
      String m = e.getMessage() == null ? "malformed" : e.getMessage().split("\n")[0];
      return new Parsed(null, null, 0, "malformed JSON: " + m);
    }
    if (v == null || !v.isObject()) return new Parsed(null, null, 0, "event must be a JSON object");
    String bad = illFormed(v, "");
    if (bad != null)
      return new Parsed(null, null, 0, bad + ": a lone UTF-16 surrogate or a __proto__ key");
    JsonNode version = v.get("schema_version");
    if (version != null && !(version.isNumber() && version.asDouble() == 1))
      return new Parsed(null, null, 0,
          "unsupported schema_version " + version + " (supported: 1)");
    JsonNode t = v.get("type");
    List<Field> fields = t != null && t.isTextual() ? SCHEMAS.get(t.textValue()) : null;
    if (fields == null)
      return new Parsed(null, null, 0, "unknown event type " + (t == null ? "undefined" : t.toString()));
    String problems = checkFields(v, fields, true, "");
    if (problems != null) return new Parsed(null, null, 0, "invalid " + t.textValue() + ": " + problems);
    return new Parsed(v, t.textValue(), isoMillis(v.get("ts").textValue()), null);
  }

  // ---- ISO 8601 with an offset (zod's z.iso.datetime({ offset: true })) ----

  private static int digits(String s, int at, int n) {
    int v = 0;
    for (int i = at; i < at + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * Epoch milliseconds of YYYY-MM-DDTHH:MM[:SS[.fff…]](Z|±HH:MM|±HHMM|±HH),
   * or Long.MIN_VALUE when the text is not one.
   */
  public static long isoMillis(String s) {
    try {
      int n = s.length();
      if (n < 17 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':')
        return Long.MIN_VALUE;
      int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2), h = digits(s, 11, 2), mi = digits(s, 14, 2);
      if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return Long.MIN_VALUE;
      int i = 16, sec = 0, ms = 0;
      if (i < n && s.charAt(i) == ':') {
        sec = digits(s, i + 1, 2);
        if (sec < 0 || sec > 59) return Long.MIN_VALUE;
        i += 3;
        if (i < n && s.charAt(i) == '.') {
          int j = i + 1, frac = 0, k = 0;
          while (j < n && Character.isDigit(s.charAt(j))) {
            if (k < 3) frac = frac * 10 + (s.charAt(j) - '0');
            j++;
            k++;
          }
          if (k == 0) return Long.MIN_VALUE;
          while (k++ < 3) frac *= 10;
          ms = frac;
          i = j;
        }
      }
      if (i >= n) return Long.MIN_VALUE;
      long offsetMin;
      char z = s.charAt(i);
      if (z == 'Z' && i == n - 1) offsetMin = 0;
      else if (z == '+' || z == '-') {
        String o = s.substring(i + 1);
        int oh, om = 0;
        if (o.length() == 2) oh = digits(o, 0, 2);
        else if (o.length() == 4) { oh = digits(o, 0, 2); om = digits(o, 2, 2); }
        else if (o.length() == 5 && o.charAt(2) == ':') { oh = digits(o, 0, 2); om = digits(o, 3, 2); }
        else return Long.MIN_VALUE;
        if (oh < 0 || om < 0 || oh > 23 || om > 59) return Long.MIN_VALUE;
        offsetMin = (z == '-' ? -1 : 1) * (oh * 60L + om);
      } else return Long.MIN_VALUE;
      long day = LocalDate.of(y, mo, d).toEpochDay();
      return ((day * 24 + h) * 60 + mi - offsetMin) * 60_000L + sec * 1000L + ms;
    } catch (RuntimeException e) {
      return Long.MIN_VALUE;
    }
  }
}
