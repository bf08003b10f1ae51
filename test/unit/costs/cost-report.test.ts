import { describe, expect, it } from 'vitest';
import {
  buildCostReport,
  costRows,
  distributeCents,
  monthEndForecast,
} from '../../../shared/domain/costs/cost-report.ts';
import { emptyUsage, pricesFor, type Usage } from '../../../shared/domain/costs/price-table.ts';
import type { CostRecords, UsageCounter } from '../../../shared/domain/costs/usage-counters.ts';

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });
const scope = (
  name: string,
  business: string,
  u: Partial<Usage>,
  variant = 'A',
  day = '2026-11-21',
): UsageCounter => ({
  kind: 'scope',
  name,
  business,
  variant,
  day,
  usage: usage(u),
});
const sum = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100);

/** Three recipes whose costs each end in a third of a cent, a campaign and overhead lines. */
const records: CostRecords = {
  usage: [
    scope('new-item', 'marketplace', { snsPublishes: 1_000_000, dynamodbWriteUnits: 333_333 }),
    scope('new-item', 'marketplace', { snsPublishes: 333_333, sqsRequests: 7 }, 'B'),
    scope('price-drop', 'marketplace', { snsPublishes: 666_667, lambdaGbSeconds: 1234.5 }),
    scope('lottery', 'games', { snsPublishes: 333_333, eventBridgeEvents: 3 }),
    scope('campaign:black-friday', 'marketplace', { snsPublishes: 2_000_001, sqsRequests: 40_000 }),
    {
      kind: 'overhead',
      name: 'device-registration',
      business: 'overhead',
      variant: '',
      day: '2026-11-21',
      usage: usage({ dynamodbWriteUnits: 123_457, lambdaInvocations: 77_777 }),
    },
    {
      kind: 'overhead',
      name: 'relation-writes',
      business: 'overhead',
      variant: '',
      day: '2026-11-21',
      usage: usage({ dynamodbWriteUnits: 9 }),
    },
  ],
  delivered: [
    { scope: 'new-item', day: '2026-11-21', variant: 'A', count: 1_000_000 },
    { scope: 'new-item', day: '2026-11-21', variant: 'B', count: 333_333 },
    { scope: 'price-drop', day: '2026-11-21', variant: 'A', count: 666_667 },
    { scope: 'lottery', day: '2026-11-21', variant: 'A', count: 333_333 },
    { scope: 'campaign:black-friday', day: '2026-11-21', variant: 'A', count: 2_000_001 },
  ],
};

describe('buildCostReport', () => {
  it('adds up every breakdown to the total, to the cent', () => {
    const report = buildCostReport(records);

    const total = Math.round(report.totalUsd * 100);
    expect(sum(Object.values(report.byService))).toBe(total);
    expect(
      sum([
        ...Object.values(report.byRecipe).map((r) => r.usd),
        ...Object.values(report.byCampaign).map((r) => r.usd),
        ...Object.values(report.overhead),
      ]),
    ).toBe(total);
    expect(
      sum([...Object.values(report.byBusiness).map((r) => r.usd), ...Object.values(report.overhead)]),
    ).toBe(total);
    for (const dimension of ['business', 'recipe', 'variant', 'service', 'day'] as const) {
      const rows = costRows(records, dimension);
      if (dimension !== 'recipe') expect(sum(rows.map((r) => r.usd))).toBe(total);
    }
  });

  it('prices every unit once, states its assumptions and names recipes, campaigns and businesses apart', () => {
    const report = buildCostReport(records);

    expect(report.pricing).toEqual({ region: 'us-east-1', capacity: 'on-demand', freeTiers: 'ignored' });
    expect(Object.keys(report.byRecipe).sort()).toEqual(['lottery', 'new-item', 'price-drop']);
    expect(Object.keys(report.byCampaign)).toEqual(['campaign:black-friday']);
    expect(Object.keys(report.byBusiness).sort()).toEqual(['games', 'marketplace']);
    expect(report.byBusiness.marketplace!.delivered).toBe(4_000_001);
    expect(report.byRecipe.lottery!.usd).toBeCloseTo(0.17, 2);
    expect(report.delivered).toBe(4_333_334);
  });

  it('splits the same data the same way every time', () => {
    expect(buildCostReport(records)).toEqual(buildCostReport(structuredClone(records)));
  });

  it('prices DynamoDB by capacity-hours in provisioned mode and by region', () => {
    const writes: CostRecords = {
      usage: [scope('r', 'b', { dynamodbWriteUnits: 3_600_000 })],
      delivered: [],
    };

    const provisioned = buildCostReport(writes, { capacity: { mode: 'provisioned', utilisation: 0.5 } });
    const ireland = buildCostReport(writes, { region: 'eu-west-1' });

    // 3.6 million writes at 50% utilisation: 2,000 capacity-unit hours.
    expect(provisioned.totalUsd).toBeCloseTo(2000 * 0.00065, 2);
    expect(ireland.totalUsd).toBeCloseTo(3.6 * 0.7068, 2);
    expect(() => pricesFor({ capacity: { mode: 'provisioned', utilisation: 0 } })).toThrow(RangeError);
  });
});

describe('distributeCents', () => {
  it('gives the cents left to the largest remainders, ties by key', () => {
    const parts = new Map([
      ['b', 100 / 3],
      ['a', 100 / 3],
      ['c', 100 / 3],
    ]);

    expect([...distributeCents(parts, 100)]).toEqual([
      ['b', 33],
      ['a', 34],
      ['c', 33],
    ]);
  });
});

describe('monthEndForecast', () => {
  it('adds the trailing seven days average for each day left in the month', () => {
    const daily = new Map([
      ['2026-10-31', 100],
      ['2026-11-14', 50],
      ['2026-11-15', 7],
      ['2026-11-21', 7],
    ]);

    const forecast = monthEndForecast(daily, '2026-11-21');

    // Nov 15..21 hold 14 USD: 2 a day, nine days left.
    expect(forecast).toEqual({ monthToDateUsd: 64, dailyAverageUsd: 2, forecastUsd: 82, daysLeft: 9 });
  });
});
