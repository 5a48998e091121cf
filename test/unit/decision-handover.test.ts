// Decision replicas hand live calls over: the owner lets go of the calls of
// partitions it lost, and the new owner adopts them as the changelog holds
// them (each change's latest session, through JSON as Kafka carries it).
import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ownersOf } from '../../src/core/bus/co-partition-assigner.js';
import type { EngineRecord, Session } from '../../src/decision/index.js';
import { engine, turn } from '../helpers/decision-engine.js';

describe('live calls handed from one replica to another', () => {
  it('adopts a call where it was, memory and counters included, and the old owner lets it go', () => {
    const changelog = new Map<string, string>();
    const record = (r: EngineRecord) => {
      if (r.k === 'session') changelog.set(r.s.callId, JSON.stringify(r.s));
      if (r.k === 'end') for (const id of r.callIds) changelog.delete(id);
    };
    const a = engine({ journal: record });
    a.e.turn(turn('call-h', '喂，你好'));
    a.e.turn(turn('call-h', '是我，我们预算大概二十万，下个月要'));
    const before = a.e.context('call-h')!;
    expect(before.customer_turns).toBe(2);

    const b = engine();
    b.e.adopt(
      [...changelog.values()].map((v) => JSON.parse(v) as Session),
      [],
    );
    expect(b.e.context('call-h')).toEqual(before);
    expect(a.e.release((s) => s.customerId === 'c-1')).toEqual(['call-h']);
    expect(a.e.context('call-h')).toBeUndefined();
    // Letting go records nothing: the call is not over, the changelog keeps it.
    expect(changelog.has('call-h')).toBe(true);

    const next = b.e.turn(turn('call-h', '价格怎么算？'));
    expect(next.state).not.toBe('opening');
    expect(b.e.context('call-h')!.customer_turns).toBe(3);
    expect(b.e.context('call-h')!.slots).toEqual(before.slots);
  });

  it('honours an opt-out the adopted call heard, before the pipeline has the consent change', () => {
    const changelog: { s: Session; events: unknown[] }[] = [];
    const a = engine({
      journal: (r) => {
        if (r.k === 'session') changelog.push(JSON.parse(JSON.stringify(r)));
      },
    });
    a.e.turn(turn('call-o', '喂'));
    a.e.turn(turn('call-o', '别再给我打电话了，把我号码删掉'));
    const last = changelog.at(-1)!;
    expect(last.s.flow.name).toBe('do_not_call');
    const b = engine();
    b.e.adopt([last.s], last.events as never[]);
    expect(b.e.check('c-1', { channel: 'call' })).toMatchObject({ ok: false });
    // Without the events of its last change the same call binds nothing beyond itself.
    const c = engine();
    c.e.adopt([last.s], []);
    expect(c.e.check('c-1', { channel: 'call' })).toMatchObject({ ok: true });
  });
});

describe('a turn delivered twice', () => {
  it('is one step of the call even when its copy comes after a later turn (relayed before a takeover)', () => {
    const a = engine();
    const say = (i: number, text: string) =>
      a.e.turn({ ...turn('call-d', text), turn_id: `call-d/${i}` });
    say(0, '喂，你好');
    const second = say(1, '我再考虑一下。');
    // The first turn again, late: the call does not hear it twice.
    expect(say(0, '喂，你好')).toEqual(second);
    expect(a.e.context('call-d')!.customer_turns).toBe(2);
    say(2, '我再考虑一下。');
    expect(a.e.context('call-d')!.customer_turns).toBe(3);
  });
});

describe('who owns which partition, from the group as Kafka describes it', () => {
  const member = (url: string, partitions: number[]) => ({
    memberMetadata: AssignerProtocol.MemberMetadata.encode({
      version: 1,
      topics: ['t.calls', 't.dialog'],
      userData: Buffer.from(url),
    }),
    memberAssignment: AssignerProtocol.MemberAssignment.encode({
      version: 1,
      assignment: { 't.calls': partitions, 't.dialog': partitions },
      userData: Buffer.alloc(0),
    }),
  });

  it('maps each partition to the address its member advertised', () => {
    const owners = ownersOf({
      state: 'Stable',
      members: [member('http://a:1', [0, 2]), member('http://b:2', [1, 3])],
    });
    expect([...owners!].sort()).toEqual([
      [0, 'http://a:1'],
      [1, 'http://b:2'],
      [2, 'http://a:1'],
      [3, 'http://b:2'],
    ]);
  });

  it('says nothing while the group rebalances', () => {
    expect(
      ownersOf({ state: 'PreparingRebalance', members: [member('http://a:1', [0])] }),
    ).toBeUndefined();
  });
});
