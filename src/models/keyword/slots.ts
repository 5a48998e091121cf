import type { SlotFacts } from '../types.js';
import { compileCues, matchCues, tally } from './cues.js';
import { decisionMakerOf } from './decision-maker.js';
import { fold } from './normalize.js';
import { OBJECTION_BLOCKERS, OBJECTION_CUES, type Competitor } from './slot-cues.js';
import { BUDGET_PATTERNS, TIMELINE_PATTERNS } from './slot-patterns.js';

const OBJECTIONS = compileCues(OBJECTION_CUES, OBJECTION_BLOCKERS);

export function budgetOf(folded: string): string | undefined {
  for (const re of BUDGET_PATTERNS) {
    const value = re.exec(folded)?.[1]?.trim();
    if (value) return value;
  }
  return undefined;
}

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

export type SlotExtractor = (text: string) => SlotFacts;

export function createSlotExtractor(competitors: readonly Competitor[]): SlotExtractor {
  const table = Object.fromEntries(competitors.map((c) => [c.name, c.aliases]));
  const rivals = compileCues(
    table,
    competitors.flatMap((c) => c.notIn ?? []),
  );
  return (text) => {
    const folded = fold(text);
    const facts: SlotFacts = {};
    const budget = budgetOf(folded);
    const timeline = timelineOf(folded);
    const decisionMaker = decisionMakerOf(folded);
    const competitor = matchCues(folded, rivals)[0]?.label;
    const objection = tally(matchCues(folded, OBJECTIONS))[0]?.label;
    // Absent slots stay absent rather than undefined-valued, for clean merging and equality.
    if (budget) facts.budget = budget;
    if (timeline) facts.timeline = timeline;
    if (decisionMaker) facts.decisionMaker = decisionMaker;
    if (competitor) facts.competitor = competitor;
    if (objection) facts.objection = objection;
    return facts;
  };
}
