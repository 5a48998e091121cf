import { buildSchema, GraphQLNonNull, GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { alertRuleSchema } from '../../src/analytics/alerts/index.js';
import {
  ALERT_KPIS,
  CARD_KPIS,
  DEFAULT_COSTS,
  DIMENSION_NAMES,
  FILTER_DIMENSIONS,
  formatKpi,
  KPI_NAMES,
  KPIS,
  kpiRow,
  MEASURE_NAMES,
  needsCustomers,
  RATE_TREND_KPIS,
  TABLE_KPIS,
  VOLUME_TREND_KPIS,
  type Sums,
} from '../../src/analytics/kpis/index.js';
// The schema's module; when it moves, this import and scripts/dashboard-types.mjs follow it.
import { typeDefs } from '../../src/api/graphql/schema.js';

const sums = (over: Partial<Sums> = {}): Sums => ({
  ...(Object.fromEntries(MEASURE_NAMES.map((m) => [m, 0])) as Sums),
  ...over,
});

describe('KPI catalogue', () => {
  it('computes every KPI of a group from its summed measures', () => {
    const row = kpiRow(
      'north',
      sums({
        calls: 200,
        answered: 100,
        conversions: 20,
        complaints: 5,
        transfers: 10,
        abandoned: 25,
        talk_seconds: 6000,
        bot_seconds: 6000,
        agent_seconds: 1200,
      }),
      { customers: 50, costs: DEFAULT_COSTS },
      false,
    );
    expect(row).toEqual({
      key: 'north',
      calls: 200,
      answered: 100,
      conversions: 20,
      complaints: 5,
      transfers: 10,
      abandoned: 25,
      connectRate: 0.5,
      conversionRate: 0.1,
      abandonRate: 0.2,
      transferRate: 0.1,
      complaintRate: 0.05,
      avgTalkSeconds: 60,
      // 100 bot minutes at 0.1 and 20 agent minutes at 1.5, over 20 conversions.
      costPerConversion: 2,
      contactsPerCustomer: 4,
      customersSampled: false,
    });
    expect(Object.keys(row)).toEqual(['key', ...KPI_NAMES, 'customersSampled']);
  });

  it('reads 0, not NaN, for a group with nothing to divide by', () => {
    const row = kpiRow('all', sums(), { customers: 0, costs: DEFAULT_COSTS }, true);
    for (const k of KPI_NAMES) expect(row[k], k).toBe(0);
  });

  it('formats each kind of value as the dashboard and Slack show it', () => {
    const cases: [string, number, string][] = [
      ['calls', 12345, '12,345'],
      ['conversionRate', 0.075, '7.5%'],
      ['avgTalkSeconds', 65.4, '1m 05s'],
      ['avgTalkSeconds', 42, '42s'],
      ['costPerConversion', 2.5, '2.50'],
      ['contactsPerCustomer', 1.234, '1.23'],
      ['notAKpi', 1.5, '1.50'],
    ];
    for (const [name, value, want] of cases) expect(formatKpi(name, value), name).toBe(want);
  });

  it('derives what alerts may watch, the dashboard shows, and which KPIs need customers', () => {
    expect(ALERT_KPIS).toEqual([
      'calls',
      'connectRate',
      'conversionRate',
      'abandonRate',
      'transferRate',
      'complaintRate',
      'avgTalkSeconds',
      'costPerConversion',
      'contactsPerCustomer',
    ]);
    expect(alertRuleSchema.safeParse({ id: 'x', metric: 'answered' }).success).toBe(false);
    for (const metric of ALERT_KPIS)
      expect(alertRuleSchema.safeParse({ id: 'x', metric }).success, metric).toBe(true);
    expect(CARD_KPIS[0]).toBe('calls');
    expect(TABLE_KPIS).toEqual(expect.arrayContaining(CARD_KPIS));
    expect(VOLUME_TREND_KPIS).toEqual(['calls', 'answered', 'conversions']);
    expect(RATE_TREND_KPIS.every((k) => KPIS[k].format === 'percent')).toBe(true);
    expect(needsCustomers(['calls', 'conversionRate'])).toBe(false);
    expect(needsCustomers(['calls', 'contactsPerCustomer'])).toBe(true);
    expect(FILTER_DIMENSIONS).toEqual(DIMENSION_NAMES.filter((d) => d !== 'HOUR' && d !== 'DAY'));
  });

  it('matches the GraphQL schema: a KpiRow field per KPI (Int for counts), and a Dimension value per dimension', () => {
    const schema = buildSchema(typeDefs);
    const row = schema.getType('KpiRow') as GraphQLObjectType;
    const fields = row.getFields();
    const kpiFields = Object.keys(fields).filter(
      (f) => !['key', 'at', 'customersSampled'].includes(f),
    );
    expect(kpiFields.sort()).toEqual([...KPI_NAMES].sort());
    for (const name of KPI_NAMES) {
      const type = fields[name]!.type;
      expect(type instanceof GraphQLNonNull && String(type.ofType), name).toBe(
        KPIS[name].format === 'count' ? 'Int' : 'Float',
      );
    }
    const dimension = schema.getType('Dimension')!;
    expect('getValues' in dimension && dimension.getValues().map((v) => v.name)).toEqual(
      DIMENSION_NAMES,
    );
  });
});
