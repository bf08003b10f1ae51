import { describe, expect, it } from 'vitest';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import type { Outcome, OutcomeCount } from '../../../shared/domain/outcomes/outcome.ts';
import { MeteredOutcomes } from '../../../shared/observability/metered-outcomes.ts';
import { collectingSink, EmfMetrics } from '../../../shared/observability/metrics.ts';

const count = (outcome: Outcome, reason = '', n = 1): OutcomeCount => ({
  scope: 'r1',
  day: '2026-11-21',
  variant: 'A',
  outcome,
  reason,
  count: n,
});

describe('EmfMetrics', () => {
  it('adds counts up per dimension set and writes one EMF document per set', () => {
    const sink = collectingSink();
    const metrics = new EmfMetrics(sink);

    metrics.add('Delivered', 2, { recipe: 'r1' });
    metrics.add('Delivered', 3, { recipe: 'r1' });
    metrics.add('Suppressed', 1, { recipe: 'r1', reason: 'fatigue.user' });
    metrics.add('PublishLatencyMs', 12, {});
    metrics.add('PublishLatencyMs', 30, {});
    metrics.flush();

    expect(sink.documents).toHaveLength(3);
    expect(sink.documents[0]).toMatchObject({ service: 'herald', recipe: 'r1', Delivered: 5 });
    expect(sink.documents[0]!._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'Herald',
      Dimensions: [['service', 'recipe']],
      Metrics: [{ Name: 'Delivered', Unit: 'Count' }],
    });
    expect(sink.documents[1]).toMatchObject({ reason: 'fatigue.user', Suppressed: 1 });
    expect(sink.documents[2]).toMatchObject({ PublishLatencyMs: [12, 30] });
    expect(sink.documents[2]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
  });

  it('keeps dimension values bounded: a value that is no short name becomes "other"', () => {
    const sink = collectingSink();
    const metrics = new EmfMetrics(sink);

    metrics.add('Failed', 1, { recipe: 'r1', reason: 'Invalid parameter: Endpoint arn:aws:sns:... is gone' });
    metrics.flush();

    expect(sink.documents[0]).toMatchObject({ reason: 'other', Failed: 1 });
  });

  it('writes nothing when nothing was recorded, and each value once', () => {
    const sink = collectingSink();
    const metrics = new EmfMetrics(sink);

    metrics.flush();
    metrics.add('EventsIn', 1, { source: 'market.items' });
    metrics.flush();
    metrics.flush();

    expect(sink.documents).toHaveLength(1);
  });
});

describe('MeteredOutcomes', () => {
  it('counts a batch as metrics when the ledger records it, and not again when it was recorded', async () => {
    const sink = collectingSink();
    const metrics = new EmfMetrics(sink);
    const outcomes = new MeteredOutcomes(new InMemoryOutcomeLedger(), metrics);
    const batch = [count('planned', '', 3), count('delivered', '', 2), count('suppressed', 'sensitive')];

    expect(await outcomes.record('b1', batch)).toBe('recorded');
    expect(await outcomes.record('b1', batch)).toBe('already-recorded');
    metrics.flush();

    expect(sink.documents.map(({ _aws, ...values }) => values)).toEqual([
      { service: 'herald', recipe: 'r1', Planned: 3, Delivered: 2 },
      { service: 'herald', recipe: 'r1', reason: 'sensitive', Suppressed: 1 },
    ]);
  });
});
