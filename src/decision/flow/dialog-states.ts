/** The standard states every flow has; a campaign's flow may add its own. */
export const STANDARD_STATES = [
  'opening',
  'identity_check',
  'needs_discovery',
  'product_pitch',
  'objection_handling',
  'pricing',
  'closing',
  'callback_scheduling',
  'send_materials',
  'transfer_to_human',
  'do_not_call',
  'end',
] as const;

/** A dialog state: a standard one or one a campaign's flow adds. */
export type StateName = string;

/** States that end the bot's part of the call. */
export const TERMINAL_STATES: readonly StateName[] = ['transfer_to_human', 'do_not_call', 'end'];
