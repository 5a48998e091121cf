/** A decision engine on the shipped config and keyword models, on a manual clock. */
import { readFileSync } from 'node:fs';
import { manualClock } from '../../src/core/clock.js';
import type { DialwiseEvent } from '../../src/core/events/index.js';
import {
  createExperiment,
  DecisionEngine,
  loadFlow,
  loadScripts,
  loadSkillModel,
  loadTransferConfig,
  parseDialingRules,
  ScriptVersions,
  type Agent,
  type AgentWarning,
  type CustomerView,
  type DecisionDeps,
  type DecisionRecord,
  type DialingConfig,
  type DialingViolation,
  type GenerationPolicy,
  type ScriptPolicy,
} from '../../src/decision/index.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import { customerView } from './decision.js';

export const json = (f: string) => JSON.parse(readFileSync(`config/${f}`, 'utf8'));
const guard = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);
export const check = guard.checkBotLine;
const turnModels = createKeywordModels();

/** Wed 2026-03-11 10:00 in Shanghai. */
export const T0 = Date.parse('2026-03-11T02:00:00Z');

export function engine(
  opts: {
    agents?: Agent[];
    /** Read at every turn: a test may change it between turns. */
    customer?: Partial<CustomerView>;
    candidates?: CustomerView[];
    /** Over the shipped config/dialing.json. */
    dialing?: Partial<DialingConfig>;
    scriptPolicy?: ScriptPolicy;
    /** The dialog flow's JSON, over the shipped config/dialog-flow.json. */
    flow?: unknown;
    journal?: DecisionDeps['journal'];
    /** The clock's start (T0 unless given). */
    now?: number;
    /** Generated lines: where (config/generation.json's policy) and how. */
    generation?: GenerationPolicy;
    generate?: DecisionDeps['generate'];
  } = {},
) {
  const clock = manualClock(opts.now ?? T0);
  const emitted: DialwiseEvent[] = [];
  const logged: DecisionRecord[] = [];
  const violations: DialingViolation[] = [];
  const alerts: string[] = [];
  const pushed: unknown[] = [];
  const warnings: AgentWarning[] = [];
  const agentsFile = json('agents.json');
  const scripts = new ScriptVersions(loadScripts(json('scripts.json'), check));
  const e = new DecisionEngine(
    {
      flow: loadFlow(opts.flow ?? json('dialog-flow.json')),
      scripts,
      transfer: loadTransferConfig(json('transfer.json')),
      dialing: parseDialingRules({ ...json('dialing.json'), ...opts.dialing }),
      experiment: createExperiment(),
      skills: loadSkillModel(agentsFile.skills),
      agents: opts.agents ?? agentsFile.agents,
      scriptPolicy: opts.scriptPolicy,
      generation: opts.generation,
    },
    {
      models: () => ({ turn: turnModels }),
      customer: (customerId) =>
        customerView({ customerId, crm: { industry: 'manufacturing' }, ...opts.customer }),
      crm: () => ({ industry: 'manufacturing' }),
      candidates: () => opts.candidates ?? [],
      checkBotLine: check,
      emit: (events) => emitted.push(...events),
      log: (r) => logged.push(r),
      violation: (v) => violations.push(v),
      alert: (m) => alerts.push(m),
      pushHandoff: (h) => pushed.push(h),
      agentLines: { check: (t) => guard.compliance(t, 'agent'), sayInstead: guard.sayInstead },
      pushWarning: (w) => warnings.push(w),
      clock,
      rng: () => 0.5,
      journal: opts.journal,
      ...(opts.generate && { generate: opts.generate }),
    },
  );
  return { e, emitted, logged, violations, alerts, pushed, warnings, scripts, clock };
}

export const turn = (callId: string, text: string) => ({
  call_id: callId,
  customer_id: 'c-1',
  product_line: 'loan',
  text,
  asr_confidence: 0.9,
});
