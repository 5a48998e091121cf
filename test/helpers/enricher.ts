import { readFileSync } from 'node:fs';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import { Enricher, type EnricherOptions, loadTagRules } from '../../src/pipelines/index.js';

/** An enricher on the keyword models and the shipped tag rules, with the platform's default windows. */
export const keywordEnricher = (opts: Partial<EnricherOptions> = {}): Enricher =>
  new Enricher({
    turn: createKeywordModels(),
    tagRules: loadTagRules(JSON.parse(readFileSync('config/tags.json', 'utf8'))),
    dedupeWindow: 64,
    latenessMs: 600_000,
    maxSkewMs: 300_000,
    ...opts,
  });
