import { describe, expect, it } from 'vitest';
import {
  MAX_REDELIVERY_DELAY_SECONDS,
  redeliveryBackoff,
} from '../../../shared/domain/redelivery-backoff.ts';
import { functionSizing } from '../../../shared/resources/functions.ts';
import { deliveryQueue, fanoutQueue } from '../../../shared/resources/queues.ts';

const lowest = () => 0;
const middle = () => 0.5;
const highest = () => 0.999_999;

describe('redeliveryBackoff', () => {
  it('grows from 10 s by three times a receive', () => {
    expect([1, 2, 3, 4].map((n) => redeliveryBackoff(n, middle))).toEqual([10, 30, 90, 270]);
  });

  it('stays well under the work queues’ visibility timeouts, whatever the jitter', () => {
    const shortest = Math.min(fanoutQueue.visibilityTimeoutSeconds, deliveryQueue.visibilityTimeoutSeconds);
    for (const random of [lowest, highest]) {
      for (const receives of [1, 5, 50]) {
        const delay = redeliveryBackoff(receives, random);
        expect(delay).toBeGreaterThanOrEqual(1);
        expect(delay).toBeLessThanOrEqual(MAX_REDELIVERY_DELAY_SECONDS);
      }
    }
    expect(MAX_REDELIVERY_DELAY_SECONDS).toBeLessThanOrEqual(shortest / 3);
  });

  it('spreads the retries before the last receive over more than the longest lease', () => {
    const retries = Array.from({ length: (fanoutQueue.maxReceiveCount ?? 5) - 1 }, (_, i) => i + 1);
    const total = retries.reduce((sum, n) => sum + redeliveryBackoff(n, lowest), 0);
    expect(total).toBeGreaterThan(functionSizing.fanoutWorker.timeoutSeconds);
  });

  it('reads a missing or odd receive count as the first', () => {
    expect(redeliveryBackoff(Number.NaN, middle)).toBe(10);
    expect(redeliveryBackoff(0, middle)).toBe(10);
  });
});
