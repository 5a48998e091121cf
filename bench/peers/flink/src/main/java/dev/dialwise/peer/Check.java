package dev.dialwise.peer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * `--check-terms`: how far this port agrees with Dialwise on the samples
 * export-terms.ts wrote with Dialwise's own answers (intent, emotion,
 * objection, compliance hits, pricing pages, and parseEvent's verdict on
 * valid and broken events). Prints one JSON line of agreement rates; the
 * first disagreements go to stderr. Exit 0 always: this measures, the
 * README says where the port is simplified and by how much it differs.
 */
final class Check {
  private Check() {}

  static int run(Terms t, PrintStream out) {
    JsonNode texts = t.root.path("samples").path("texts");
    int n = 0, intent = 0, confidence = 0, emotion = 0, valence = 0, objection = 0, compliance = 0, pricing = 0;
    List<String> misses = new ArrayList<>();
    for (JsonNode s : texts) {
      n++;
      String text = s.path("text").asText();
      String folded = t.fold(text);
      Terms.Intent in = t.intent(folded);
      if (in.intent().equals(s.path("intent").asText())) intent++;
      else miss(misses, "intent", text, in.intent(), s.path("intent").asText());
      if (Math.abs(in.confidence() - s.path("confidence").asDouble()) < 1e-9) confidence++;
      Terms.Emotion em = t.keywordEmotion(folded);
      if (em.label().equals(s.path("emotion").path("label").asText())) emotion++;
      else miss(misses, "emotion", text, em.label(), s.path("emotion").path("label").asText());
      if (Math.abs(em.valence() - s.path("emotion").path("valence").asDouble()) < 1e-9) valence++;
      String ob = t.objection(folded);
      String want = s.path("objection").isNull() ? null : s.path("objection").asText();
      if (ob == null ? want == null : ob.equals(want)) objection++;
      else miss(misses, "objection", text, ob, want);
      StringBuilder got = new StringBuilder();
      for (Terms.ComplianceHit h : t.compliance(text, "agent"))
        got.append(h.rule()).append('@').append(h.start()).append('-').append(h.end()).append(' ');
      StringBuilder exp = new StringBuilder();
      for (JsonNode h : s.path("compliance"))
        exp.append(h.path("rule").asText()).append('@').append(h.path("start").asInt()).append('-')
            .append(h.path("end").asInt()).append(' ');
      if (got.toString().equals(exp.toString())) compliance++;
      else miss(misses, "compliance", text, got.toString(), exp.toString());
      if (t.isPricingPage(text) == s.path("pricing").asBoolean()) pricing++;
    }
    int events = 0, verdicts = 0;
    for (JsonNode e : t.root.path("samples").path("events")) {
      events++;
      Events.Parsed p = Events.parse(e.path("json").asText());
      boolean valid = p.reason() == null;
      if (valid == e.path("valid").asBoolean()) verdicts++;
      else miss(misses, "event", e.path("json").asText(), p.reason(), e.path("reason").asText(null));
    }
    for (String m : misses.subList(0, Math.min(40, misses.size()))) System.err.println(m);
    // How Flink will serialize the state and the records (POJO rather than Kryo).
    for (Class<?> c : new Class<?>[] {State.Profile.class, Raw.class, Row.class})
      System.err.println(c.getSimpleName() + ": "
          + org.apache.flink.api.common.typeinfo.TypeInformation.of(c));
    out.printf(
        "{\"texts\":%d,\"intent\":%.4f,\"intentConfidence\":%.4f,\"emotion\":%.4f,\"valence\":%.4f,"
            + "\"objection\":%.4f,\"compliance\":%.4f,\"pricingPage\":%.4f,\"events\":%d,\"eventVerdicts\":%.4f}%n",
        n, intent / (double) n, confidence / (double) n, emotion / (double) n, valence / (double) n,
        objection / (double) n, compliance / (double) n, pricing / (double) n, events, verdicts / (double) events);
    return 0;
  }

  private static void miss(List<String> misses, String what, String text, String got, String want) {
    misses.add(what + ": " + text + " | peer: " + got + " | dialwise: " + want);
  }
}
