import type { BotLine, CustomerAct } from './world.js';

/** The nodes a scripted call walks through, in order, when the customer lets it. */
const FUNNEL = ['opening', 'needs_discovery', 'product_pitch', 'pricing', 'closing'] as const;

/**
 * The variant a centre without experiments reads at each node: the library's
 * unconditional line (config/scripts.json), the same for every customer.
 */
export const FIXED_SCRIPT: Readonly<Record<string, string>> = {
  opening: 'standard',
  needs_discovery: 'open_question',
  product_pitch: 'default',
  objection_handling: 'clarify',
  pricing: 'list_price',
  closing: 'demo',
  callback_scheduling: 'ask_time',
  transfer_to_human: 'expert',
  do_not_call: 'apology',
  end: 'thanks',
};

const line = (
  node: string,
  variant: string,
  action: BotLine['action'],
  concise: boolean,
): BotLine => ({
  text: `${node}/${variant}`,
  state: node,
  script_id: node,
  variant,
  concise,
  action,
});

/**
 * The twin's own scripted caller, for the policies that do not ask the
 * platform (the naive centre, the oracle): the funnel, answering a question
 * or objection where asked, ending on a refusal, an agreement, a callback or
 * an opt-out, handing over when the customer asks for a person; in the
 * short (`concise`) form or the full one.
 */
export function scriptedLine(
  previous: BotLine | undefined,
  act: CustomerAct,
  variantOf: (node: string) => string,
  concise = false,
): BotLine {
  const say = (node: string, action: BotLine['action'] = 'say') =>
    line(node, variantOf(node), action, concise);
  switch (act) {
    case 'opt_out':
    case 'complaint':
      return say('do_not_call', 'end');
    case 'agree':
    case 'reject':
      return say('end', 'end');
    case 'busy':
    case 'callback':
      return say('callback_scheduling', 'end');
    case 'ask_human':
      return say('transfer_to_human', 'transfer');
    case 'objection_price':
    case 'objection_competitor':
      return say('objection_handling');
    case 'ask_price':
      return say('pricing');
    default: {
      const at = FUNNEL.indexOf(previous?.script_id as (typeof FUNNEL)[number]);
      const next = previous === undefined ? 'opening' : FUNNEL[at + 1];
      if (previous?.script_id === 'objection_handling') return say('product_pitch');
      return next ? say(next) : say('end', 'end');
    }
  }
}
