package dev.dialwise.peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keyed state, one {@link Profile} per customer_id as in Dialwise
 * (src/pipelines/enrich/profile.ts): open calls and the dedupe window live
 * inside it, so the checkpoint of this one value is the whole state. Field
 * names are Dialwise's snake_case ones, so that the JSON written to
 * profiles.state has Dialwise's keys. All classes are Flink POJOs (public
 * fields, no-arg constructors): Flink's own serializers copy and snapshot them.
 */
public final class State {
  private State() {}

  /** One call's row while it is open (profile.ts CallState); written to `calls`. */
  public static class CallState {
    public String call_id;
    public String customer_id;
    public String campaign_id;
    public String script_id;
    public String script_version;
    public String handled_by;
    public String region;
    public String product_line;
    public String started_at;
    public Boolean answered;
    public String unanswered_reason;
    public String transferred_queue;
    public String outcome;
    public Double duration_s;
    public String ended_at;
    public Integer customer_turns;
    public Integer positive_intents;
    public Integer negative_intents;
    public Integer objections;
    public Double valence;
    public Double intent_score;
    public Integer compliance_hits;
    public Double peak_impatience;
    public Boolean abandoned;
    /** What the customer's turns have shown (propensity-features.ts CallSignals); not a column. */
    public Signals signals;

    public CallState() {}

    CallState(String callId, String customerId) {
      call_id = callId;
      customer_id = customerId;
    }
  }

  /** propensity-features.ts CallSignals. */
  public static class Signals {
    public int customerTurns;
    public int positiveIntents;
    public int negativeIntents;
    public int commitIntents;
    public int objections;
    public double valence;
    public double lastValence;
    public double customerWords;
    public double peakImpatience;

    public Signals() {}
  }

  /** A touch (core/contact-record.ts TouchMark). */
  public static class TouchMark {
    public String id;
    public String at;
    public String channel;
    public String campaign;
    public String purpose;

    public TouchMark() {}

    TouchMark(String id, String at, String channel, String campaign, String purpose) {
      this.id = id;
      this.at = at;
      this.channel = channel;
      this.campaign = campaign;
      this.purpose = purpose;
    }
  }

  /** One consent scope's record (core/contact-record.ts ConsentMark). */
  public static class ConsentMark {
    public boolean granted;
    public String ts;
    public String id;
    public String first_grant;

    public ConsentMark() {}
  }

  /** The 360° profile (profile.ts Profile). */
  public static class Profile {
    public String customer_id;
    /** CRM fields: each value as its JSON text (a string, number, boolean or null). */
    public Map<String, String> crm = new HashMap<>();
    public Map<String, String> crm_ts = new HashMap<>();
    /** Unmapped CRM fields, each as JSON text. */
    public Map<String, String> crm_unmapped = new HashMap<>();
    public String name;
    public String phone;
    public Map<String, String> personal = new HashMap<>();
    public Map<String, String> pii_ts = new HashMap<>();
    public Map<String, ConsentMark> consent = new HashMap<>();
    public int calls;
    public int answered;
    public Map<String, Integer> outcomes = new HashMap<>();
    public String last_call_at;
    public List<TouchMark> touches = new ArrayList<>();
    public int replies;
    public String last_reply_at;
    public int web_visits;
    public Map<String, Integer> pages = new HashMap<>();
    public Map<String, Integer> products = new HashMap<>();
    public String last_visit_at;
    public String last_pricing_visit_at;
    public Map<String, Integer> intents = new HashMap<>();
    public Map<String, Integer> objections = new HashMap<>();
    public double valence;
    public int valence_n;
    public String last_emotion;
    public double intent_score;
    public double dialog_score;
    public String dialog_at;
    public double engagement;
    public String engagement_at;
    public List<String> tags = new ArrayList<>();
    public Map<String, CallState> open_calls = new HashMap<>();
    public List<String> closed_calls = new ArrayList<>();
    /** The dedupe window: 53-bit hashes of recent event ids, a ring of `recent_n` from `recent_head`. */
    public long[] recent_ids = new long[0];
    public int recent_n;
    public int recent_head;
    public String last_event_at;
    /** Sealed personal data, made again only when name, phone or personal change. */
    public String name_enc;
    public String phone_enc;
    public String phone_hash;
    public String personal_enc;
    public boolean seal_stale;

    public Profile() {}

    Profile(String customerId, int window) {
      customer_id = customerId;
      recent_ids = new long[window];
    }
  }
}
