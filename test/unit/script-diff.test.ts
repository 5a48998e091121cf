// The diff between two script versions: lines added, removed and changed,
// per node and variant, in the order the library reads.
import { describe, expect, it } from 'vitest';
import {
  diffScripts,
  loadScripts,
  libraryLines,
  segmentText,
  type ScriptLibrary,
} from '../../src/decision/scripts/index.js';
import { check, json } from '../helpers/decision-engine.js';

const base = (): ScriptLibrary => loadScripts(json('scripts.json'), check);

/** A copy of the shipped library with `edit` applied to its JSON. */
const edited = (edit: (lib: any) => void): ScriptLibrary => {
  const raw = structuredClone(json('scripts.json'));
  raw.version = 'next';
  edit(raw);
  return loadScripts(raw, check);
};

describe('script diff', () => {
  it('finds nothing between a version and itself', () => {
    expect(diffScripts(base(), base())).toEqual([]);
    // The version's name is not a line.
    expect(
      diffScripts(
        base(),
        edited(() => {}),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'a changed line',
      (l: any) => (l.nodes.opening.variants[1].text = '您好，我是{product}的顾问。'),
      [{ node: 'opening', variant: 'warm', field: 'text', change: 'changed' }],
    ],
    [
      'a concise variant dropped',
      (l: any) => delete l.nodes.opening.variants[0].concise,
      [{ node: 'opening', variant: 'returning', field: 'concise', change: 'removed', after: null }],
    ],
    [
      'a safe line changed',
      (l: any) => (l.nodes.closing.safe = '好的，感谢您的时间，再见。'),
      [{ node: 'closing', variant: null, field: 'safe', change: 'changed' }],
    ],
    [
      'a variant moved to another segment',
      (l: any) => (l.nodes.opening.variants[1].match = { tagsAny: ['high_intent'] }),
      [
        {
          node: 'opening',
          variant: 'warm',
          field: 'segment',
          change: 'changed',
          before: 'tags: visited_pricing_last_24h, high_intent',
          after: 'tags: high_intent',
        },
      ],
    ],
  ])('finds %s', (_, edit, expected) => {
    expect(diffScripts(base(), edited(edit))).toMatchObject(expected);
    expect(diffScripts(base(), edited(edit))).toHaveLength(expected.length);
  });

  it('lists a new variant and a removed one line by line, node by node in file order', () => {
    const next = edited((l) => {
      l.nodes.pricing.variants.push({
        id: 'retail',
        text: '零售行业的报价是{price}。',
        concise: '报价{price}。',
        match: { crm: { industry: ['retail'] } },
        priority: 2,
      });
      l.nodes.opening.variants.splice(2, 1); // standard
    });
    const changes = diffScripts(base(), next);
    expect(changes.map((c) => [c.node, c.variant, c.field, c.change])).toEqual([
      ['opening', 'standard', 'segment', 'removed'],
      ['opening', 'standard', 'text', 'removed'],
      ['opening', 'standard', 'concise', 'removed'],
      ['pricing', 'retail', 'segment', 'added'],
      ['pricing', 'retail', 'text', 'added'],
      ['pricing', 'retail', 'concise', 'added'],
    ]);
    expect(changes[3]).toMatchObject({ before: null, after: 'industry: retail · priority 2' });
    expect(changes[4]).toMatchObject({ before: null, after: '零售行业的报价是{price}。' });
  });

  it('reads every line of a library once: safe, then each variant with its concise text', () => {
    const lines = libraryLines(base());
    const opening = lines.filter((l) => l.node === 'opening');
    expect(opening.map((l) => [l.variant, l.field])).toEqual([
      [null, 'safe'],
      ['returning', 'text'],
      ['returning', 'concise'],
      ['warm', 'text'],
      ['warm', 'concise'],
      ['standard', 'text'],
      ['standard', 'concise'],
    ]);
    expect(segmentText({ id: 'x', text: 't' })).toBe('everyone');
  });
});
