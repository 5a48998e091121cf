/**
 * A turn whose line may be generated (config/generation.json): what the
 * engine asks the line generator, the arm of the experiment that chose to
 * generate, and the decision once the generated line — or, when it failed,
 * the template — is said.
 */
import type { DecisionContext } from '../../core/logged-decision.js';
import type { CustomerView } from '../customer-view.js';
import { known } from '../flow/index.js';
import { mayGenerate, type Generated, type GenerationAsk } from '../generation/index.js';

import { allocate } from '../scripts/index.js';
import type { TurnSignals } from '../turn-signals.js';
import type { Session } from './call-session.js';
import type { Decision, Spoken, TurnRequest } from './engine-contract.js';
import type { SpeakContext } from './engine-speak.js';

/** The variant of a generated line in the decision log; never an arm of a node's template experiment. */
export const GENERATED = 'generated';

/** A turn decided up to its line. */
export interface TurnDraft {
  s: Session;
  req: TurnRequest;
  decision: Decision;
  spoken: Spoken;
  signals: TurnSignals;
  nowMs: number;
  started: number;
  context: DecisionContext;
  /** Set when the line is to be generated. */
  ask?: GenerationAsk;
  /** The experiment's arm, generated or template, when generation competes (`generate:<node>`). */
  arm?: { node: string; segment: string; variant: string; propensity: number };
  /** What the generator made of `ask`. */
  generated?: Generated;
}

/** What the generator is asked for this turn, if the policy lets it generate (and the experiment, when on, chose to). */
export function generationAsk(
  x: SpeakContext,
  t: TurnDraft,
  customer: CustomerView,
): Pick<TurnDraft, 'ask' | 'arm'> | undefined {
  const policy = x.setup.generation;
  const { s, signals, spoken, decision } = t;
  if (!policy || decision.action !== 'say') return undefined;
  const ground = mayGenerate(policy, {
    state: s.flow.name,
    intent: signals.intent,
    node: spoken.node,
    saidNodes: s.spoken.map((v) => v.node),
  });
  if (!ground) return undefined;
  const arm = policy.experiment ? drawArm(x, spoken) : undefined;
  if (arm?.variant === 'template') return { arm };
  const stated = Object.fromEntries(
    Object.entries(known(s.memory, customer.facts)).filter(([, v]) => typeof v === 'string'),
  ) as Record<string, string>;
  const ask: GenerationAsk = {
    callId: s.callId,
    campaignId: s.campaignId,
    node: spoken.node,
    ground,
    question: t.req.text,
    state: s.flow.name,
    intent: signals.intent,
    productLine: s.productLine,
    template: spoken.line.text,
    profile: { segment: spoken.segment, tags: customer.tags, stated },
    // Before this turn's question, which is the last turn now.
    lastTurns: s.turns.slice(-4, -1),
  };
  return { ask, ...(arm && { arm }) };
}

function drawArm(x: SpeakContext, spoken: Spoken) {
  const node = `generate:${spoken.node}`;
  const arms = ['generated', 'template'];
  const { variant, propensity } = allocate(x.setup.experiment, node, spoken.segment, arms, x.rng);
  return { node, segment: spoken.segment, variant, propensity };
}

/**
 * The decision and line said: the generated line where it passed, else the
 * template with the cause of the fallback; the decision carries what
 * happened either way (`generation`). `arms`: the experiment arms the call
 * is rewarded on for it (never the safe line, nor a generated line in its
 * node's template cell: its own `generate:<node>` cell is).
 */
export function settledLine(t: TurnDraft): {
  decision: Decision;
  spoken: Spoken;
  arms: { node: string; segment: string; variant: string }[];
} {
  const { decision, spoken } = withGenerated(t, t.generated);
  const { node, segment } = spoken;
  const { variant } = spoken.line;
  const arms = variant !== 'safe' && variant !== GENERATED ? [{ node, segment, variant }] : [];
  if (t.arm) arms.push({ node: t.arm.node, segment: t.arm.segment, variant: t.arm.variant });
  return { decision, spoken, arms };
}

function withGenerated(
  t: TurnDraft,
  g: Generated | undefined,
): { decision: Decision; spoken: Spoken } {
  if (!t.ask || !g) return t;
  if (!g.spoken)
    return {
      spoken: t.spoken,
      decision: {
        ...t.decision,
        generation: { spoken: false, cause: g.cause, tokens: g.tokens, ms: g.ms },
      },
    };
  const propensity = t.arm?.propensity ?? 1;
  return {
    spoken: { ...t.spoken, line: { text: g.text, blocked: [], variant: GENERATED, propensity } },
    decision: {
      ...t.decision,
      text: g.text,
      variant: GENERATED,
      generation: { spoken: true, facts: g.facts, tokens: g.tokens, ms: g.ms, cached: g.cached },
    },
  };
}
