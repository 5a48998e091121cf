import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/core/clock.js';
import { migrate, Store } from '../../src/core/store/store.js';
import { ViolationWriter, type DialingViolation } from '../../src/decision/index.js';

const violation = (callId: string, customerId = 'c-1'): DialingViolation => ({
  id: `${callId}/do_not_call`,
  ts: '2026-03-11T02:00:00.000Z',
  call_id: callId,
  customer_id: customerId,
  campaign_id: 'spring',
  rule: 'do_not_call',
  detail: 'marked do-not-call in the CRM',
  mode: 'refused',
});

const stored = async (store: Store) =>
  (
    await store.query<{ id: string; ts: string }>(
      `SELECT id, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS ts
       FROM dialing_violations ORDER BY id`,
    )
  ).map((r) => `${r.id}@${r.ts}`);

describe('violation writer', () => {
  it('stores its batch when the clock says, once per call and rule, an erased customer’s never', async () => {
    const store = await Store.open(':memory:');
    await migrate(store);
    const clock = manualClock(0);
    const writer = new ViolationWriter(store, clock, (err) => {
      throw err;
    });
    writer.add(violation('call-1'));
    writer.add(violation('call-2', 'c-erased'));
    writer.forget('c-erased');
    expect(await stored(store)).toEqual([]);
    clock.advance(500);
    await writer.flush();
    expect(await stored(store)).toEqual(['call-1/do_not_call@2026-03-11T02:00:00.000Z']);
    // The same call and rule again (a restart lost the session): still one row.
    writer.add(violation('call-1'));
    await writer.close();
    expect(await stored(store)).toEqual(['call-1/do_not_call@2026-03-11T02:00:00.000Z']);
    await store.close();
  });
});
