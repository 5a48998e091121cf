import { simulateScenario } from '../app/index.js';
import { DialwiseError } from '../core/errors.js';
import type { CommandContext } from './commands.js';

const POLICIES = ['naive', 'dialwise', 'oracle'] as const;

const positiveInt = (raw: unknown, name: string, fallback: number): number => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new DialwiseError('BAD_REQUEST', `--${name} must be a positive integer`);
  return n;
};

/** `dialwise simulate --scenario FILE`: the figures per policy, as JSON or a short table. */
export async function simulateCommand({ config, logger, values }: CommandContext): Promise<void> {
  const scenarioFile = values.scenario;
  if (typeof scenarioFile !== 'string')
    throw new DialwiseError(
      'BAD_REQUEST',
      'usage: dialwise simulate --scenario FILE [--calls N] [--seed S]',
    );
  const policy = typeof values.policy === 'string' ? values.policy : 'all';
  if (policy !== 'all' && !(POLICIES as readonly string[]).includes(policy))
    throw new DialwiseError('BAD_REQUEST', `--policy must be one of all, ${POLICIES.join(', ')}`);
  const result = await simulateScenario(config, logger, {
    scenarioFile,
    calls: positiveInt(values.calls, 'calls', 5_000),
    seed: positiveInt(values.seed, 'seed', 1),
    policies: policy === 'all' ? POLICIES : [policy as (typeof POLICIES)[number]],
  });
  if (values.json === true) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(`scenario ${result.scenario}, seed ${result.seed}, ${result.calls} dials`);
  const rows = Object.entries(result.policies).map(([name, r]) => ({
    policy: name,
    dials: r.dials,
    reach: r.reachRate,
    conversions: r.conversions,
    costPerContact: r.costPerContact,
    violations: r.violations.total,
    handoffP99s: r.handoffP99Seconds,
    seconds: r.wallSeconds,
  }));
  console.table(rows);
  if (result.ratios) console.log(result.ratios);
}
