import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import {
  DEFAULT_GENERATION_POLICY,
  LineGenerator,
  loadGenerationPolicy,
  type Generated,
  type GenerationAsk,
  type GenerationPolicy,
} from '../decision/index.js';
import { chatBackendFromConfig } from '../models/generation/index.js';
import { loadKnowledge, retrieve } from '../models/knowledge/index.js';
import type { ComplianceHit } from '../models/types.js';
import { configFile, readJson } from './setup.js';

/** config/generation.json in the decision config folder, the defaults where it has none. */
const generationPolicyOf = (dir: string) => {
  const file = join(dir, 'generation.json');
  return existsSync(file) ? loadGenerationPolicy(readJson(file), file) : DEFAULT_GENERATION_POLICY;
};

function generationMetrics(registry: Registry) {
  const outcomes = new Counter({
    name: 'dialwise_generation_total',
    help: 'Lines the policy let generate: spoken, or the cause the template was said instead',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'dialwise_generation_seconds',
    help: 'Time to a generated line (retrieval, the model, the gate) or its fallback',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 2],
    registers: [registry],
  });
  return (g: Generated) => {
    outcomes.inc({ outcome: g.spoken ? 'spoken' : g.cause });
    seconds.observe(g.ms / 1000);
  };
}

/**
 * Generated replies where config says a model is (DIALWISE_GENERATION_URL):
 * the knowledge base stored (once per version) for retrieval, the backend,
 * the policy; undefined when generation is off, the default.
 */
export async function startGeneration(
  config: Config,
  deps: {
    store: Store;
    checkBotLine(text: string): ComplianceHit[];
    clock: Clock;
    logger: Logger;
    metrics?: Registry | undefined;
    decisionConfigDir: string;
  },
): Promise<
  { generate(ask: GenerationAsk): Promise<Generated>; policy: GenerationPolicy } | undefined
> {
  const backend = chatBackendFromConfig(config);
  if (!backend) return undefined;
  const tokenizer = config.knowledgeTokenizer;
  const kb = await loadKnowledge(deps.store, configFile(config.knowledgeDir, 'knowledge'), {
    tokenizer,
  });
  deps.logger.log('info', 'generation on', {
    model: config.generationModel ?? null,
    knowledge: kb.version,
    chunks: kb.chunks,
    tokenizer,
    deadlineMs: config.generationDeadlineMs,
  });
  const policy = generationPolicyOf(deps.decisionConfigDir);
  const generator = new LineGenerator({
    backend,
    retrieve: (question, campaign, k) =>
      retrieve(deps.store, question, {
        version: kb.version,
        tokenizer,
        k,
        ...(campaign ? { campaign } : {}),
      }),
    checkBotLine: deps.checkBotLine,
    policy,
    deadlineMs: config.generationDeadlineMs,
    maxChars: config.generationMaxChars,
    maxTokens: config.generationMaxTokens,
    cacheMs: config.generationCacheMs,
    clock: deps.clock,
    ...(deps.metrics && { onResult: generationMetrics(deps.metrics) }),
  });
  return { generate: (ask) => generator.generate(ask), policy };
}
