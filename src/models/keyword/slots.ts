import type { SlotContext, SlotFacts } from '../types.js';
import { budgetOf } from './budget.js';
import { callbackOf } from './callback-time.js';
import { channelOf } from './channel.js';
import { unknownCompetitorOf, type Competitor } from './competitors.js';
import { compileCues, matchCues, tally } from './cues.js';
import { decisionMakerOf } from './decision-maker.js';
import { fold } from './normalize.js';
import { OBJECTION_BLOCKERS, OBJECTION_CUES } from './slot-cues.js';
import { TIMELINE_PATTERNS } from './slot-patterns.js';

const OBJECTIONS = compileCues(OBJECTION_CUES, OBJECTION_BLOCKERS);

// One pass says whether any pattern matches: most turns name no time at all.
const ANY_TIMELINE = new RegExp(TIMELINE_PATTERNS.map((re) => `(?:${re.source})`).join('|'));

/** The earliest mention, and at one place the longest: 今年底 rather than 年底. */
export function timelineOf(folded: string): string | undefined {
  if (!ANY_TIMELINE.test(folded)) return undefined;
  let best: { at: number; text: string } | undefined;
  for (const re of TIMELINE_PATTERNS) {
    for (const m of folded.matchAll(re)) {
      const better =
        !best || m.index < best.at || (m.index === best.at && m[0].length > best.text.length);
      if (better) best = { at: m.index, text: m[0] };
    }
  }
  return best?.text.trim();
}

/** callbackAt needs the turn's instant and the customer's zone: it is left out without ctx. */
export type SlotExtractor = (text: string, ctx?: SlotContext) => SlotFacts;

export function createSlotExtractor(competitors: readonly Competitor[]): SlotExtractor {
  const table = Object.fromEntries(competitors.map((c) => [c.name, c.aliases]));
  const rivals = compileCues(
    table,
    competitors.flatMap((c) => c.notIn ?? []),
  );
  return (text, ctx) => {
    const folded = fold(text);
    const budget = budgetOf(folded);
    const found: SlotFacts = {
      budget: budget?.text,
      budgetRange: budget?.range,
      timeline: timelineOf(folded),
      callbackAt: ctx ? callbackOf(folded, ctx) : undefined,
      decisionMaker: decisionMakerOf(folded),
      competitor: matchCues(folded, rivals)[0]?.label ?? unknownCompetitorOf(folded),
      objection: tally(matchCues(folded, OBJECTIONS))[0]?.label,
      channel: channelOf(folded),
    };
    // Absent slots stay absent rather than undefined-valued, for clean merging and equality.
    return Object.fromEntries(
      Object.entries(found).filter(([, v]) => v !== undefined),
    ) as SlotFacts;
  };
}
