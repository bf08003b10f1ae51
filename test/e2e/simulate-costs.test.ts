import { describe, expect, it } from 'vitest';
import { costOf, recipeUsage } from '../../shared/domain/costs/price-table.ts';
import type { LocalRuntime } from '../../shared/local/runtime.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { parseScenario } from '../../shared/simulation/scenario.ts';
import { simulate } from '../../shared/simulation/simulate.ts';
import { sharedEngines } from '../support/engines.ts';
import { expectBalanced, listed, minute, start } from '../support/scenarios.ts';

const RECIPE = 'followed-seller-new-item';
const FOLLOWERS = 300;

describe('herald simulate, costs against the pipeline benchmark', () => {
  it("adds up to its total to the cent, and its cost per million delivered is the benchmark's", async () => {
    // prepare: a few hundred followers of one seller, one phone each, in UTC (10:05 is no quiet hour)
    const followers = Array.from({ length: FOLLOWERS }, (_, i) => `fan-${String(i).padStart(4, '0')}`);
    const scenario = parseScenario({
      start,
      devices: followers.map((userId) => ({ userId, platform: 'FCM', token: `fcm-token-${userId}` })),
      relations: followers.map((from) => ({ type: 'follow', from, to: 'seller-9' })),
      // A shared template: every follower gets the same title and body.
      events: [listed(minute(5), 'seller-9')],
    });
    const metered = requestMeter.usageOf(RECIPE);
    let runtime: LocalRuntime | undefined;

    // act
    const report = await simulate(scenario, sharedEngines(), { onRuntime: (r) => (runtime = r) });

    // assess: (a) every partition of the cost adds up to the total, to the cent
    expectBalanced(report);
    const { costs } = report;
    const delivered = report.outcomes[RECIPE]?.delivered ?? 0;
    expect(delivered).toBe(FOLLOWERS);
    expect(report.held).toEqual([]);
    const cents = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) * 100);
    const total = Math.round(costs.totalUsd * 100);
    expect(cents(Object.values(costs.byService))).toBe(total);
    expect(
      cents([
        ...Object.values(costs.byRecipe).map((c) => c.usd),
        ...Object.values(costs.byCampaign).map((c) => c.usd),
        ...Object.values(costs.overhead),
      ]),
    ).toBe(total);
    expect(
      cents([...Object.values(costs.byBusiness).map((c) => c.usd), ...Object.values(costs.overhead)]),
    ).toBe(total);

    // (b) the benchmark's model (bench/pipeline.bench.ts, figuresOf): the recipe's own metered
    // requests, one SNS publish per push, one EventBridge event, and the runtime's Lambda usage
    // shared by pushes; priced by the same costOf.
    const usage = recipeUsage(requestMeter.usageOf(RECIPE), metered, delivered, runtime!.lambdaUsage());
    const bench = costOf(usage);
    const benchPerMillion = (bench.total / delivered) * 1e6;
    expect(costs.perMillionDeliveredUsd).not.toBeNull();
    // The total and the cost per million describe the same cost (the latter from the unrounded one).
    expect(Math.round(((costs.perMillionDeliveredUsd! * delivered) / 1e6) * 100)).toBe(total);
    expect(Math.abs(costs.perMillionDeliveredUsd! - benchPerMillion) / benchPerMillion).toBeLessThan(0.15);
  });
});
