/**
 * The schema's closed sets, each from the list the server checks against
 * (one definition): a value outside them is refused while the document is
 * validated. Their values are the strings the REST API and the stored rows use.
 */
import {
  ALERT_DIMENSIONS,
  ALERT_DIRECTIONS,
  ALERT_METRICS,
  ALERT_STATUSES,
} from '../../analytics/alerts/index.js';
import { CHANNELS, PURPOSES, SPEAKERS } from '../../core/events/index.js';
import { CORRECTABLE_SLOTS } from '../../models/types.js';
import { ROLES } from '../auth.js';

/** What a consent change covers: one channel, or all of them (setConsent checks against it too). */
export const CONSENT_SCOPES = [...CHANNELS, 'all'] as const;

const ENUMS: Record<string, { description: string; values: readonly string[] }> = {
  Role: { description: 'What an API key may do.', values: ROLES },
  ConsentScope: { description: 'A channel, or all of them.', values: CONSENT_SCOPES },
  Purpose: { description: 'What a contact is for.', values: PURPOSES },
  Speaker: { description: 'Who said a turn.', values: SPEAKERS },
  AlertStatus: { description: "An alert's state.", values: ALERT_STATUSES },
  AlertMetric: { description: 'A KPI an alert rule may watch.', values: ALERT_METRICS },
  AlertDimension: { description: 'What an alert rule may split by.', values: ALERT_DIMENSIONS },
  AlertDirection: { description: 'Which deviations fire.', values: ALERT_DIRECTIONS },
  Slot: { description: 'A slot an agent may correct.', values: CORRECTABLE_SLOTS },
};

export const ENUM_TYPE_DEFS = Object.entries(ENUMS)
  .map(([name, e]) => `"${e.description}" enum ${name} { ${e.values.join(' ')} }`)
  .join('\n');
