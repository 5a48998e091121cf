package dev.dialwise.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables bench/peers/export-terms.ts exports from Dialwise, and the
 * keyword models over them: intent, emotion, objection, a term-based
 * compliance check, and the score parameters. Ports of
 * src/models/keyword/cues.ts, intent.ts, emotion.ts, models/emotion-fusion.ts
 * (text only) and a subset of models/compliance (see README.md).
 */
public final class Terms {
  final JsonNode root;
  private final char[] fold = new char[65536];
  final CueSet intents;
  final CueSet objections;
  final CueSet emotions;
  final List<Rule> rules = new ArrayList<>();
  final List<String> allow = new ArrayList<>();
  final List<String[]> negations = new ArrayList<>(); // {cue, scope}
  final List<String> notNegation = new ArrayList<>();
  final java.util.Set<String> positive = new java.util.HashSet<>();
  final java.util.Set<String> negative = new java.util.HashSet<>();
  final JsonNode baseline;
  final JsonNode lead;
  final JsonNode fusion;
  final Pattern pricing;
  final double valenceAlpha;
  final JsonNode tags;
  final int dedupeWindow;
  final long latenessMs;
  final long maxSkewMs;
  final int closedCallsKept;

  /** One compliance rule: its folded terms and its cue patterns. */
  static final class Rule {
    String name;
    List<String[]> terms = new ArrayList<>(); // {term as configured, folded}
    List<PatternRule> patterns = new ArrayList<>();
  }

  static final class PatternRule {
    String name;
    String[][] groups;
    int window;
    int clauses;
  }

  public static Terms load(String path) throws IOException {
    return new Terms(new ObjectMapper().readTree(new File(path)));
  }

  public static Terms parse(String json) throws IOException {
    return new Terms(new ObjectMapper().readTree(json));
  }

  private Terms(JsonNode root) {
    this.root = root;
    if (!"dialwise-peer-terms".equals(root.path("format").asText()))
      throw new IllegalArgumentException("not a terms file of bench/peers/export-terms.ts");
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("fold").path("tradToSimp").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      fold[e.getKey().charAt(0)] = e.getValue().asText().charAt(0);
    }
    intents = new CueSet(root.path("intent").path("cues"));
    objections = new CueSet(root.path("objection").path("cues"));
    emotions = new CueSet(root.path("emotion").path("cues"));
    fusion = root.path("emotion").path("fusion");
    JsonNode c = root.path("compliance");
    for (JsonNode r : c.path("rules")) {
      Rule rule = new Rule();
      rule.name = r.path("name").asText();
      for (JsonNode t : r.path("terms"))
        rule.terms.add(new String[] {t.path("term").asText(), t.path("folded").asText()});
      for (JsonNode p : r.path("patterns")) {
        PatternRule pr = new PatternRule();
        pr.name = p.path("name").asText();
        pr.window = p.path("window").asInt();
        pr.clauses = p.path("clauses").asInt(1);
        pr.groups = new String[p.path("cues").size()][];
        int g = 0;
        for (JsonNode group : p.path("cues")) {
          pr.groups[g] = new String[group.size()];
          int i = 0;
          for (JsonNode cue : group) pr.groups[g][i++] = cue.asText();
          g++;
        }
        rule.patterns.add(pr);
      }
      rules.add(rule);
    }
    for (JsonNode a : c.path("allow")) allow.add(a.asText());
    for (JsonNode b : c.path("negationBefore"))
      for (JsonNode cue : b.path("cues"))
        negations.add(new String[] {cue.asText(), b.path("scope").asText()});
    for (JsonNode n : c.path("notNegation")) notNegation.add(n.asText());
    JsonNode score = root.path("score");
    for (JsonNode i : score.path("positiveIntents")) positive.add(i.asText());
    for (JsonNode i : score.path("negativeIntents")) negative.add(i.asText());
    baseline = score.path("baseline");
    lead = score.path("leadScore");
    pricing = Pattern.compile(score.path("pricingPage").asText());
    valenceAlpha = score.path("valenceAlpha").asDouble();
    tags = root.path("tags").path("rules");
    JsonNode en = root.path("enrich");
    dedupeWindow = en.path("dedupeWindow").asInt(64);
    latenessMs = en.path("latenessMs").asLong(600_000);
    maxSkewMs = en.path("maxSkewMs").asLong(300_000);
    closedCallsKept = en.path("closedCallsKept").asInt(16);
  }

  // ---- folding (models/keyword/normalize.ts) ----

  /** One character folded: full-width to half-width, traditional to simplified, lower case. */
  char foldChar(char ch) {
    char c = ch;
    if (c >= 0xff01 && c <= 0xff5e) c = (char) (c - 0xfee0);
    else if (c == 0x3000) c = ' ';
    else if (c == 0x2018 || c == 0x2019) c = '\'';
    char t = fold[Character.toLowerCase(c)];
    return t != 0 ? t : Character.toLowerCase(c);
  }

  /** The folded utterance the cue tables match: runs of white space become one space, trimmed. */
  String fold(String text) {
    StringBuilder b = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = foldChar(text.charAt(i));
      if (Character.isWhitespace(c) || c == 0xa0 || c == 0xfeff || c == 0x2028 || c == 0x2029) {
        space = b.length() > 0;
        continue;
      }
      if (space) b.append(' ');
      space = false;
      b.append(c);
    }
    return b.toString();
  }

  /** Folded character by character, same length: positions stay those of the original. */
  String foldInPlace(String text) {
    char[] out = new char[text.length()];
    for (int i = 0; i < out.length; i++) out[i] = foldChar(text.charAt(i));
    return new String(out);
  }

  // ---- cues (models/keyword/cues.ts) ----

  /** Cues longest first (the order export-terms wrote them in), indexed by the probe's first character. */
  static final class CueSet {
    final String[] label;
    final String[] probe;
    final double[] weight;
    final Pattern[] re;
    final Map<Character, int[]> byFirst = new HashMap<>();

    CueSet(JsonNode cues) {
      int n = cues.size();
      label = new String[n];
      probe = new String[n];
      weight = new double[n];
      re = new Pattern[n];
      Map<Character, List<Integer>> first = new HashMap<>();
      for (int i = 0; i < n; i++) {
        JsonNode c = cues.get(i);
        label[i] = c.path("label").isNull() ? null : c.path("label").asText();
        probe[i] = c.path("probe").asText();
        weight[i] = c.path("weight").asDouble();
        re[i] = Pattern.compile(c.path("regex").asText());
        first.computeIfAbsent(probe[i].charAt(0), k -> new ArrayList<>()).add(i);
      }
      first.forEach((k, v) -> byFirst.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
    }
  }

  /** A cue matched at [start, end). */
  record Hit(String label, int start, int end, double weight) {}

  /** A label's evidence: summed weights, and where its last cue ends (the tie-break). */
  record Tally(String label, double score, int last) {}

  /**
   * Longest cues first, a matched span consumed (so 不感兴趣 is not also 感兴趣);
   * a blocker (label null) only consumes. Hits by position.
   */
  static List<Hit> match(String text, CueSet set) {
    List<Hit> hits = new ArrayList<>();
    boolean[] candidate = new boolean[set.label.length];
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      int[] b = set.byFirst.get(text.charAt(i));
      if (b == null) continue;
      for (int k : b) candidate[k] = true;
      any = true;
    }
    if (!any) return hits;
    boolean[] taken = new boolean[text.length()];
    for (int k = 0; k < candidate.length; k++) {
      if (!candidate[k] || !text.contains(set.probe[k])) continue;
      Matcher m = set.re[k].matcher(text);
      while (m.find()) {
        int s = m.start(), e = m.end();
        if (e == s || anyTaken(taken, s, e)) continue;
        for (int i = s; i < e; i++) taken[i] = true;
        if (set.label[k] != null) hits.add(new Hit(set.label[k], s, e, set.weight[k]));
      }
    }
    hits.sort((a, b) -> Integer.compare(a.start, b.start));
    return hits;
  }

  private static boolean anyTaken(boolean[] taken, int s, int e) {
    for (int i = s; i < e; i++) if (taken[i]) return true;
    return false;
  }

  /** Scores per label, best first; ties to the label heard last. */
  static List<Tally> tally(List<Hit> hits) {
    Map<String, double[]> by = new LinkedHashMap<>();
    for (Hit h : hits) {
      double[] t = by.computeIfAbsent(h.label, k -> new double[2]);
      t[0] += h.weight;
      t[1] = Math.max(t[1], h.end);
    }
    List<Tally> out = new ArrayList<>(by.size());
    by.forEach((k, v) -> out.add(new Tally(k, v[0], (int) v[1])));
    out.sort(
        (a, b) ->
            Math.abs(b.score - a.score) > 1e-9
                ? Double.compare(b.score, a.score)
                : Integer.compare(b.last, a.last));
    return out;
  }

  // ---- the keyword models ----

  /** models/keyword/intent.ts: the intent, its confidence; null intent means out of scope. */
  record Intent(String intent, double confidence, boolean outOfScope) {}

  Intent intent(String folded) {
    List<Tally> ranked = tally(match(folded, intents));
    if (ranked.isEmpty()) return new Intent("out_of_scope", 0, true);
    Tally best = ranked.get(0);
    double runnerUp = ranked.size() > 1 ? ranked.get(1).score : 0;
    double strength = 1 - Math.exp(-2 * best.score);
    double margin = best.score / (best.score + runnerUp);
    return new Intent(best.label, Math.round((0.4 + 0.55 * strength * margin) * 100) / 100.0, false);
  }

  /** The objection slot (models/keyword/slots.ts): the best-scoring objection cue, or null. */
  String objection(String folded) {
    List<Tally> ranked = tally(match(folded, objections));
    return ranked.isEmpty() ? null : ranked.get(0).label;
  }

  /** An emotion label, its valence, and (after fusion) the impatience it implies. */
  record Emotion(String label, double valence, double impatience) {}

  private static double round2(double v) {
    double r = Math.round(v * 100) / 100.0;
    return r == 0 ? 0 : r;
  }

  /** models/keyword/emotion.ts, then models/emotion-fusion.ts with no voice (text only). */
  Emotion emotion(String folded) {
    Emotion e = keywordEmotion(folded);
    return fuse(e.label, e.valence);
  }

  /** models/keyword/emotion.ts alone: label and valence from cue weights and shouting. */
  Emotion keywordEmotion(String folded) {
    double pos = 0, neg = 0, angry = 0, imp = 0;
    for (Hit h : match(folded, emotions)) {
      switch (h.label) {
        case "positive" -> pos += h.weight;
        case "negative" -> neg += h.weight;
        case "angry" -> angry += h.weight;
        default -> imp += h.weight;
      }
    }
    int bangs = 0;
    for (int i = 0; i < folded.length(); i++) if (folded.charAt(i) == '!') bangs++;
    double intensity = 1 + 0.2 * Math.min(bangs, 3);
    double raw = Math.tanh((pos - neg - 1.5 * angry - 0.7 * imp) * intensity);
    String label;
    double valence;
    if (angry > 0 || (neg > 0 && bangs >= 2)) {
      label = "angry";
      valence = round2(Math.min(raw, -0.6));
    } else if (imp > 0) {
      label = "impatient";
      valence = round2(Math.min(raw, -0.2));
    } else if (neg > pos) {
      label = "negative";
      valence = round2(Math.min(raw, -0.1));
    } else if (pos > neg) {
      label = "positive";
      valence = round2(Math.max(raw, 0.1));
    } else {
      label = "neutral";
      valence = 0;
    }
    return new Emotion(label, valence, 0);
  }

  private Emotion fuse(String label, double valence) {
    double fromText =
        clamp(fusion.path("textImpatience").path(label).asDouble() * fusion.path("textReliability").asDouble(1), 0, 1);
    double impatience = fromText; // 1 - (1 - fromText) * (1 - fromVoice), no voice
    String fused = label;
    if (!label.equals("angry") && impatience >= fusion.path("impatientAt").asDouble()) fused = "impatient";
    double v = clamp(valence, -1, 1);
    if (fused.equals("impatient")) v = Math.min(v, fusion.path("impatientValenceMax").asDouble());
    return new Emotion(fused, v, impatience);
  }

  static double clamp(double v, double lo, double hi) {
    return Math.min(hi, Math.max(lo, v));
  }

  // ---- compliance (a subset of models/compliance: terms and cue patterns) ----

  /** A compliance hit at [start, end) of the original text. */
  record ComplianceHit(String rule, String term, int start, int end, int rank) {}

  private static boolean isBarrier(char c) {
    return c == '，' || c == '。' || c == '！' || c == '？' || c == '；' || c == ',' || c == '.'
        || c == '!' || c == '?' || c == ';' || c == '\n';
  }

  private static boolean asciiWord(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** English phrases match on word edges only. */
  private static boolean onEdges(String u, String phrase, int s, int e) {
    if (asciiWord(phrase.charAt(0)) && s > 0 && asciiWord(u.charAt(s - 1))) return false;
    return !(asciiWord(phrase.charAt(phrase.length() - 1)) && e < u.length() && asciiWord(u.charAt(e)));
  }

  /** Whether a negation cue ends within its scope before `s`, in the same clause. */
  private boolean denied(String u, int s) {
    for (String[] n : negations) {
      String cue = n[0];
      int scope = Integer.parseInt(n[1]);
      int from = Math.max(0, s - scope - cue.length());
      for (int at = u.indexOf(cue, from); at >= 0 && at + cue.length() <= s; at = u.indexOf(cue, at + 1)) {
        boolean clause = true;
        for (int i = at + cue.length(); i < s; i++) if (isBarrier(u.charAt(i))) clause = false;
        if (!clause || !onEdges(u, cue, at, at + cue.length())) continue;
        if (insideNotNegation(u, at, at + cue.length())) continue;
        return true;
      }
    }
    return false;
  }

  private boolean insideNotNegation(String u, int s, int e) {
    for (String p : notNegation) {
      int from = Math.max(0, e - p.length());
      for (int at = u.indexOf(p, from); at >= 0 && at <= s; at = u.indexOf(p, at + 1))
        if (at <= s && at + p.length() >= e) return true;
    }
    return false;
  }

  private boolean allowed(String u, int s, int e) {
    for (String a : allow) {
      int from = Math.max(0, s - a.length() + 1);
      for (int at = u.indexOf(a, from); at >= 0 && at < e; at = u.indexOf(a, at + 1))
        if (at < e && at + a.length() > s) return true;
    }
    return false;
  }

  /** Promises of principal or returns and denials of risk in a bot's or agent's turn. */
  List<ComplianceHit> compliance(String text, String speaker) {
    List<ComplianceHit> found = new ArrayList<>();
    if (speaker.equals("customer") || text.isEmpty()) return found;
    String u = foldInPlace(text);
    for (Rule r : rules) {
      for (String[] t : r.terms) {
        String f = t[1];
        if (f.isEmpty()) continue;
        for (int at = u.indexOf(f); at >= 0; at = u.indexOf(f, at + 1)) {
          int e = at + f.length();
          if (!onEdges(u, f, at, e) || allowed(u, at, e) || denied(u, at)) continue;
          found.add(new ComplianceHit(r.name, t[0], at, e, 0));
        }
      }
      for (PatternRule p : r.patterns) patternHits(u, r.name, p, found);
    }
    if (found.isEmpty()) return found;
    found.sort(
        (a, b) ->
            a.rank != b.rank
                ? Integer.compare(a.rank, b.rank)
                : a.start != b.start ? Integer.compare(a.start, b.start) : Integer.compare(b.end, a.end));
    List<ComplianceHit> kept = new ArrayList<>();
    for (ComplianceHit f : found) {
      boolean overlaps = false;
      for (ComplianceHit k : kept) if (f.start < k.end && k.start < f.end) overlaps = true;
      if (!overlaps) kept.add(f);
    }
    kept.sort((a, b) -> Integer.compare(a.start, b.start));
    return kept;
  }

  /** One cue of each group in order, within `window` characters and the allowed clauses. */
  private void patternHits(String u, String rule, PatternRule p, List<ComplianceHit> out) {
    for (String first : p.groups[0]) {
      for (int s = u.indexOf(first); s >= 0; s = u.indexOf(first, s + 1)) {
        if (!onEdges(u, first, s, s + first.length())) continue;
        int end = s + first.length();
        boolean ok = true;
        for (int g = 1; g < p.groups.length && ok; g++) {
          int best = -1, bestEnd = -1;
          for (String cue : p.groups[g]) {
            int at = u.indexOf(cue, end);
            if (at >= 0 && (best < 0 || at < best)) {
              best = at;
              bestEnd = at + cue.length();
            }
          }
          if (best < 0) ok = false;
          else end = bestEnd;
        }
        if (!ok || end - s > p.window) continue;
        int barriers = 0;
        for (int i = s; i < end; i++) if (isBarrier(u.charAt(i))) barriers++;
        if (barriers > p.clauses - 1 || allowed(u, s, end) || denied(u, s)) continue;
        out.add(new ComplianceHit(rule, p.name, s, end, 2));
      }
    }
  }

  boolean isPricingPage(String page) {
    return pricing.matcher(page).find();
  }
}
