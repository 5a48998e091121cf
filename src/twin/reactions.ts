/**
 * How a customer answers a bot line, by the script node it came from. Pure:
 * the draw comes from the call's `Rng`, the rest from the call's mood.
 */
import type { Rng } from '../core/rng.js';
import type { PhraseKey } from './phrases.js';

export type Reaction = PhraseKey | 'callback';

export interface Mood {
  /** The conversion probability of the lines heard so far (oracle.ts `conversionOf`). */
  appeal: number;
  /** Turns past the customer's patience (0 while patient). */
  over: number;
  /** The budget covers the product's list price. */
  affordable: boolean;
  /** The customer's fixed threshold for this call: they agree when it is below `appeal`. */
  threshold: number;
  /** This customer puts decisions off rather than refusing (fixed for the call). */
  ditherer: boolean;
}

/** The first reaction whose probability the draw falls under, in order; else `rest`. */
function choose(rng: Rng, options: readonly [Reaction, number][], rest: Reaction): Reaction {
  let u = rng();
  for (const [reaction, p] of options) if ((u -= p) < 0) return reaction;
  return rest;
}

/** Interest grows with how well the lines so far suit the customer. */
const interest = (m: Mood) => Math.min(0.8, 0.15 + 2 * m.appeal);

function pitch(m: Mood, rng: Rng): Reaction {
  return choose(
    rng,
    [
      ['interested', interest(m)],
      ['ask_price', 0.12],
      ['objection_price', m.affordable ? 0.03 : 0.12],
      ['objection_competitor', 0.07],
      ['reject', 0.12 * (1 - m.appeal)],
    ],
    'neutral',
  );
}

/**
 * At the close the customer decides: agree below their threshold; else the
 * near misses and the customers who put off decisions hesitate, the rest
 * refuse. Both draws are fixed for the call, so a second closing line gets
 * the same answer unless the lines heard since moved the customer.
 */
function closing(m: Mood): Reaction {
  if (m.threshold < m.appeal) return 'agree';
  return m.threshold < 2 * m.appeal || m.ditherer ? 'hesitate' : 'reject';
}

export function react(node: string, m: Mood, rng: Rng): Reaction {
  // Past their patience, customers start to brush the bot off.
  if (m.over > 0 && rng() < 0.3) return 'reject';
  switch (node) {
    case 'opening':
      return choose(
        rng,
        [
          ['interested', interest(m) / 2],
          ['ask_who', 0.15],
          ['busy', 0.05],
        ],
        'confirm',
      );
    case 'identity_check':
      return choose(rng, [['ask_who', 0.12]], 'confirm');
    case 'needs_discovery':
      return choose(
        rng,
        [
          ['budget', 0.5],
          ['interested', interest(m) / 2],
          ['objection_competitor', 0.08],
        ],
        'neutral',
      );
    case 'objection_handling':
      return choose(
        rng,
        [
          ['interested', interest(m)],
          ['reject', 0.25],
        ],
        'hesitate',
      );
    case 'pricing':
      return m.affordable
        ? choose(rng, [['interested', 0.3 + interest(m) / 2]], 'neutral')
        : choose(
            rng,
            [
              ['objection_price', 0.55],
              ['reject', 0.15],
            ],
            'interested',
          );
    case 'closing':
      return closing(m);
    case 'callback_scheduling':
      return choose(rng, [['callback', 0.6]], 'neutral');
    case 'product_pitch':
    case 'answer_ask_who':
    case 'answer_privacy_concern':
    case 'send_materials':
      return pitch(m, rng);
    default:
      return 'neutral';
  }
}
