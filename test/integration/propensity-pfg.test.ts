import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  loadPersuasionForGood,
  splitByOutcome,
  type PfgDialogue,
} from '../../src/datasets/persuasionforgood.js';
import { datasetsDir } from '../../src/datasets/text/paths.js';
import { createKeywordModels } from '../../src/models/keyword/index.js';
import { baselinePropensity } from '../../src/models/propensity.js';
import { crossValidatePropensity } from '../../bench/lib/propensity-cv.js';
import {
  pfgRow,
  type PropensityRow,
  brier,
  DEFAULT_PROPENSITY_OPTIONS,
} from '../../src/training/propensity/index.js';

const DIR = join(datasetsDir(), 'persuasionforgood');
const present = existsSync(join(DIR, 'FullData', 'full_info.csv'));
const MISSING = `persuasionforgood not found under ${datasetsDir()} (set DIALWISE_DATASETS_DIR)`;
// The public datasets live beside the repository (../shared), not in it: a
// checkout without them skips this test with the reason.
if (!present) console.warn(`[propensity-pfg.test] skipped: ${MISSING}`);

describe.skipIf(!present)('propensity on persuasionforgood', () => {
  let dialogues: PfgDialogue[] = [];
  let rows: PropensityRow[] = [];
  beforeAll(async () => {
    dialogues = await loadPersuasionForGood(DIR);
    const nlu = createKeywordModels();
    rows = dialogues.map((d) => pfgRow(d, nlu));
  });

  it('loads every dialogue with the persuadee’s actual donation as the label', () => {
    // SOURCE.txt: 1017 dialogues, 545 persuadees donated > 0. The persuader's
    // B6 (their own donation) or the intended B5 would give other counts.
    expect(dialogues).toHaveLength(1017);
    expect(dialogues.filter((d) => d.donated)).toHaveLength(545);
    expect(new Set(dialogues.map((d) => d.id)).size).toBe(dialogues.length);
    for (const d of dialogues) {
      expect(d.persuadee.length).toBeGreaterThan(0);
      expect(d.persuader.length).toBeGreaterThan(0);
      expect(d.donated).toBe(d.donation > 0);
    }
    const [train, test] = splitByOutcome(dialogues, (d) => d.donated, [0.8, 0.2], 1);
    const ids = new Set(train!.map((d) => d.id));
    expect(test!.some((d) => ids.has(d.id))).toBe(false);
    const rate = (ds: PfgDialogue[]) => ds.filter((d) => d.donated).length / ds.length;
    expect(Math.abs(rate(test!) - rate(train!))).toBeLessThan(0.01);
  });

  it('predicts held-out donations better than chance, the base rate and the hand-set formula', () => {
    const cv = crossValidatePropensity(
      [{ name: 'pfg', rows }],
      ['pfg'],
      DEFAULT_PROPENSITY_OPTIONS,
    );
    const oof = cv.perSource.pfg!;
    expect(oof.n).toBe(rows.length);
    /*
     * Out-of-fold AUC over all 1017 dialogues measured 0.57-0.60 across ten
     * fold seeds (bench/propensity.ts). With this class balance a model with
     * no signal scores 0.5 ± 0.018 (Mann-Whitney SD), so 0.54 is over two
     * of those above chance and still clear of the measured range.
     */
    expect(oof.auc).toBeGreaterThan(0.54);
    // Calibrated: better than always predicting the donation rate, and than the formula.
    const rate = rows.filter((r) => r.y).length / rows.length;
    expect(oof.brier).toBeLessThan(rate * (1 - rate));
    const formula = brier(
      rows.map((r) => baselinePropensity(r.inputs)),
      rows.map((r) => r.y),
    );
    expect(oof.brier).toBeLessThan(formula);
  });
});
