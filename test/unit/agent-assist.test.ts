/**
 * Live agent assist: an agent's turn that breaks the compliance rules is a
 * warning for the agent's desktop, with a compliant wording per rule; other
 * speakers' turns and clean agent turns are not.
 */
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../src/core/events/index.js';
import { agentWarning } from '../../src/decision/index.js';
import {
  createComplianceGuard,
  DEFAULT_COMPLIANCE_CONFIG,
} from '../../src/models/compliance/index.js';
import { engine } from '../helpers/decision-engine.js';

const guard = createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG);

const turn = (
  text: string,
  speaker: 'agent' | 'customer' | 'bot' = 'agent',
  agent_id?: string,
): EventOf<'dialog.turn'> => ({
  event_id: `ev-${text.length}-${speaker}`,
  type: 'dialog.turn',
  ts: '2026-12-07T02:00:05Z',
  schema_version: 1,
  customer_id: 'c-1',
  call_id: 'call-1',
  turn: 4,
  speaker,
  text,
  asr_confidence: 0.95,
  ...(agent_id && { agent_id }),
});

const warn = (t: EventOf<'dialog.turn'>) =>
  agentWarning(t, guard.compliance(t.text, t.speaker), guard.sayInstead);

describe('live agent assist', () => {
  it("warns of an agent's promise with the rule, the words and a compliant wording", () => {
    const w = warn(turn('您放心，这个产品是保本的，稳赚不赔', 'agent', 'agent-li'));
    expect(w).toMatchObject({
      kind: 'compliance_warning',
      call_id: 'call-1',
      agent_id: 'agent-li',
      turn: 4,
      said_at: '2026-12-07T02:00:05Z',
    });
    expect(w!.hits.map((h) => [h.rule, h.term])).toEqual([
      ['principal_guarantee', '保本'],
      ['guaranteed_return', '稳赚不赔'],
    ]);
    for (const h of w!.hits) expect(h.say_instead.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(w!.hits[0]!.say_instead).toEqual(
      DEFAULT_COMPLIANCE_CONFIG.rules.find((r) => r.name === 'principal_guarantee')!.say_instead,
    );
  });

  it('says nothing of a clean agent turn, a denial, or a customer who asks', () => {
    expect(warn(turn('这款产品不保本，有亏损的可能'))).toBeNull();
    expect(warn(turn('好的，我把合同发到您的微信上'))).toBeNull();
    expect(warn(turn('这个保本吗？稳赚不赔吗？', 'customer'))).toBeNull();
  });

  it('offers a general wording for a rule without one, and null for an unnamed agent', () => {
    const w = agentWarning(
      turn('零风险的'),
      [{ rule: 'house_rule', term: '零风险', start: 0, end: 3 }],
      () => undefined,
    );
    expect(w!.agent_id).toBeNull();
    expect(w!.hits[0]!.say_instead.zh).toMatch(/请换一种说法/);
  });

  it('ships a compliant wording for every rule, itself clean under the rules', () => {
    for (const rule of DEFAULT_COMPLIANCE_CONFIG.rules) {
      expect(rule.say_instead, rule.name).toBeDefined();
      for (const text of [rule.say_instead!.zh, rule.say_instead!.en])
        expect(guard.compliance(text, 'agent'), `${rule.name}: ${text}`).toEqual([]);
    }
  });

  it('the engine pushes the warning the moment it hears the turn, and only for agents', () => {
    const { e, warnings } = engine();
    e.observe([
      turn('保证收益，年化百分之八', 'agent', 'agent-wang'),
      turn('保本吗', 'customer'),
      turn('这个我帮您查一下', 'agent', 'agent-wang'),
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ agent_id: 'agent-wang', call_id: 'call-1' });
    expect(warnings[0]!.hits[0]!.rule).toBe('guaranteed_return');
  });
});
