import type { TextRecord } from '../../src/datasets/text-record.js';
import { DEFAULT_TRAIN_OPTIONS, type TrainTextOptions } from '../../src/training/text/index.js';

/** A tiny two-language intent set: four intents, templated, so a model learns it in a second. */
const INTENTS: Record<string, string[]> = {
  balance: [
    'what is my balance',
    'how much money do i have',
    'check my account balance',
    'show the balance please',
    '我的余额是多少',
    '查一下账户余额',
  ],
  card_lost: [
    'i lost my card',
    'my card was stolen',
    'cannot find my bank card',
    'block my lost card',
    '我的卡丢了',
    '银行卡被偷了',
  ],
  transfer: [
    'send money to my friend',
    'transfer cash to another account',
    'make a bank transfer',
    'i want to wire money',
    '我要转账',
    '给朋友汇款',
  ],
  greeting: [
    'hello there',
    'hi good morning',
    'hey how are you',
    'good afternoon',
    '你好',
    '早上好',
  ],
};

const PREFIXES = ['', 'please ', 'can you ', 'hey, '];
const SUFFIXES = ['', ' now', ' today', ' thanks'];

export function tinyIntentRecords(): TextRecord[] {
  const out: TextRecord[] = [];
  for (const [label, texts] of Object.entries(INTENTS))
    for (const t of texts)
      for (const [i, p] of PREFIXES.entries()) out.push({ text: `${p}${t}${SUFFIXES[i]}`, label });
  return out;
}

/** Small and fast: training on tinyIntentRecords() takes well under a second. */
export const TINY_OPTIONS: TrainTextOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  task: 'intent',
  architecture: { kind: 'mlp', hidden: 16 },
  epochs: 30,
  batchSize: 16,
  learningRate: 0.02,
  minDf: 1,
  heldOutFraction: 0.2,
  // Two members and a refit keep those code paths under test at little cost.
  members: 2,
  refit: true,
};
