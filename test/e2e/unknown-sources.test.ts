import { describe, expect, it } from 'vitest';
import { expectBalanced, listed, minute, run } from '../support/scenarios.ts';

describe('every event put on the bus ends accounted for', () => {
  it('keeps events of an unknown or mis-cased source on the rejected queue with the reason, and refuses a null detail', async () => {
    const report = await run({
      events: [
        { ...listed(minute(1), 'seller-9'), source: 'market.item' },
        { ...listed(minute(2), 'seller-9'), source: 'Market.Items' },
        { ...listed(minute(3), 'seller-9'), detail: null },
      ],
    });

    expect(report.rejected).toEqual([
      {
        reason: 'source: no recipe or relation rule expects "market.item"',
        source: 'market.item',
        detailType: 'ItemListed',
      },
      {
        reason: 'source: no recipe or relation rule expects "Market.Items"',
        source: 'Market.Items',
        detailType: 'ItemListed',
      },
    ]);
    expect(report.refused).toEqual([
      { index: 2, errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' },
    ]);
    expect(report.deliveries).toEqual([]);
    expectBalanced(report);
  });
});
