import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/api/auth.js';
import { campaignFor, campaignSql, requireUnscoped, scopedTurn } from '../../src/api/scope.js';

const all: Principal = { name: 'ops', role: 'analyst' };
const one: Principal = { name: 'a', role: 'dialer', campaigns: ['camp-a'] };
const two: Principal = { name: 'ab', role: 'dialer', campaigns: ['camp-a', 'camp-b'] };

describe('campaign scope', () => {
  it.each<[string, Principal, string | undefined, string | undefined | RegExp]>([
    ['unscoped, as asked', all, 'camp-x', 'camp-x'],
    ['unscoped, none asked', all, undefined, undefined],
    ['one campaign, none asked: that one', one, undefined, 'camp-a'],
    ['one campaign, its own', one, 'camp-a', 'camp-a'],
    ['one campaign, another', one, 'camp-b', /does not see campaign "camp-b"/],
    ['two campaigns, none asked', two, undefined, /campaign_id is required/],
    ['two campaigns, one of them', two, 'camp-b', 'camp-b'],
  ])('%s', (_name, p, asked, expected) => {
    if (expected instanceof RegExp) expect(() => campaignFor(p, asked)).toThrow(expected);
    else expect(campaignFor(p, asked)).toBe(expected);
  });

  it('a scoped turn is pinned to the campaign; an unscoped one is left alone', () => {
    const turn = (campaign_id?: string) => ({ text: 'x', ...(campaign_id && { campaign_id }) });
    expect(scopedTurn(one, turn())).toEqual({ text: 'x', campaign_id: 'camp-a' });
    expect(scopedTurn(all, turn())).toEqual({ text: 'x' });
    expect(() => scopedTurn(one, turn('camp-b'))).toThrow(/camp-b/);
  });

  it('SQL conditions and platform-wide refusals', () => {
    expect(campaignSql(all, 'campaign_id')).toEqual({ sql: 'TRUE', params: [] });
    expect(campaignSql(two, 'c.campaign_id')).toEqual({
      sql: 'c.campaign_id IN (?, ?)',
      params: ['camp-a', 'camp-b'],
    });
    expect(() => requireUnscoped(one, 'dead letters')).toThrow(/not for a campaign-scoped key/);
    expect(() => requireUnscoped(all, 'dead letters')).not.toThrow();
  });
});
