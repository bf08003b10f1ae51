import { expect } from 'vitest';
import { parseScenario } from '../../shared/simulation/scenario.ts';
import { type SimulationReport, simulate } from '../../shared/simulation/simulate.ts';
import { sharedEngines } from './engines.ts';

export const start = '2026-11-21T10:00:00Z';
/** An instant `minutes` after the scenario start. */
export const minute = (minutes: number) => new Date(Date.parse(start) + minutes * 60_000).toISOString();

export const listed = (time: string, sellerId: string, itemId = 'item-new') => ({
  time,
  source: 'market.items',
  'detail-type': 'ItemListed',
  detail: { itemId, sellerId, title: 'Oak chair', price: 45, currency: 'EUR' },
});

export const priceDropped = (time: string, itemId: string, sellerId = 'seller-9', newPrice = 22) => ({
  time,
  source: 'market.items',
  'detail-type': 'PriceDropped',
  detail: { itemId, sellerId, title: 'Brass lamp', oldPrice: 30, newPrice, currency: 'EUR' },
});

export const social = (time: string, detailType: string, detail: Record<string, string>) => ({
  time,
  source: 'market.social',
  'detail-type': detailType,
  detail,
});

/** Runs a scenario (given as JSON would be) on the shared engines. */
export const run = async (input: Record<string, unknown>): Promise<SimulationReport> =>
  simulate(parseScenario({ start, ...input }), sharedEngines());

/** Who received what: `user/platform/recipe`, sorted. */
export const receivedBy = (report: SimulationReport) =>
  report.deliveries.map((d) => `${d.userId}/${d.platform}/${d.recipe}`).sort();

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** Invariant 1: every planned recipient ends in exactly one terminal outcome. */
export const expectBalanced = (report: SimulationReport) => {
  for (const [recipe, s] of Object.entries(report.outcomes)) {
    expect(s.planned, `${recipe}: planned = delivered + suppressed + failed`).toBe(
      s.delivered + sum(s.suppressed) + sum(s.failed),
    );
  }
};
