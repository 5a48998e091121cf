import { readTextRecords } from './src/datasets/text-record.js';
import { loadTextDataset, withAsrNoise } from './src/datasets/text/index.js';
import { detectOptOut, turnOptOut } from './src/models/opt-out/index.js';
import { createTrainedModels } from './src/models/trained-models.js';
import { DEFAULT_TRAIN_OPTIONS, trainTextClassifier, evaluateOptOut, loadOptOutRecords } from './src/training/index.js';
const LIN = { ...DEFAULT_TRAIN_OPTIONS, task: 'intent', architecture: { kind: 'linear' as const }, members: 1, epochs: 10, learningRate: 0.02, minDf: 1, maxFalseFlag: 0 };
const dev = [...await loadOptOutRecords('test/fixtures/opt-out-dev.jsonl'), ...await loadOptOutRecords('test/fixtures/opt-out-dev2.jsonl'), ...await loadOptOutRecords('test/fixtures/opt-out-dev3.jsonl')].filter(r => (r as any).speaker !== 'agent');
const corpus = (await Promise.all(['a','b','c'].map(w => readTextRecords(`datasets/telesales/train-${w}.jsonl`)))).flat();
const bin = [
  ...dev.map(r => ({ text: r.text, label: r.label ? 'yes' : 'no' })),
  ...corpus.filter(r => r.label !== 'complaint').map(r => ({ text: r.text, label: r.label === 'opt_out' ? 'yes' : 'no' })),
];
const aug = (rs: any[]) => { const out=[...rs]; const seen=new Set(rs.map(r=>r.text)); for (const s of [1,3]) for (const r of withAsrNoise(rs, s)) if(!seen.has(r.text)){seen.add(r.text);out.push(r);} return out; };
const { model: binary } = await trainTextClassifier(aug(bin), LIN);
const { model: intent } = await trainTextClassifier(await loadTextDataset('telesales:train'), LIN);
const turn = createTrainedModels({ intent });
const yesIdx = binary.labels.indexOf('yes');
const pYes = (t: string) => binary.probabilities([t])[yesIdx]!;
const file = process.argv[2]!;
const recs = (await loadOptOutRecords(file)).filter(r => (r as any).speaker !== 'agent');
const show = (name: string, f: (t: string) => boolean) => { const e = evaluateOptOut(recs, (t) => f(t)); console.log(name.padEnd(28), 'P', e.precision, 'R', e.recall, 'F1', e.f1); };
show('rules', (t) => detectOptOut(t).optOut);
show('rules|intent (served)', (t) => turnOptOut(turn.intent(t), detectOptOut(t)).optOut);
for (const th of [0.5, 0.6, 0.7, 0.8]) {
  show(`rules|binary>=${th}`, (t) => { const h = detectOptOut(t); return h.optOut || (!h.deferral && !h.denied && pYes(t) >= th); });
  show(`rules|intent|binary>=${th}`, (t) => { const h = detectOptOut(t); return turnOptOut(turn.intent(t), h).optOut || (!h.deferral && !h.denied && pYes(t) >= th); });
}
