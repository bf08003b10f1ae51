import { describe, expect, it } from 'vitest';
import { InMemoryOutcomeLedger } from '../../../shared/adapters/memory/outcome-ledger.ts';
import {
  type OutcomeCount,
  OutcomeTally,
  summarise,
  summariseByVariant,
} from '../../../shared/domain/outcomes/outcome.ts';

const count = (scope: string, variant: string, outcome: OutcomeCount['outcome'], n: number, reason = '') => ({
  scope,
  day: '2026-11-21',
  variant,
  outcome,
  reason,
  count: n,
});

describe('summariseByVariant', () => {
  it('keeps each variant of a scope apart, receipts included', () => {
    const counts: OutcomeCount[] = [
      count('price-drop', 'A', 'planned', 10),
      count('price-drop', 'A', 'delivered', 9),
      count('price-drop', 'A', 'suppressed', 1, 'fatigue.user'),
      count('price-drop', 'A', 'opened', 3),
      count('price-drop', 'B', 'planned', 5),
      count('price-drop', 'B', 'delivered', 5),
      count('price-drop', 'B', 'clicked', 2),
      count('price-drop', 'H', 'planned', 4),
      count('price-drop', 'H', 'suppressed', 4, 'holdout'),
      count('new-item', 'A', 'planned', 1),
      count('new-item', 'A', 'failed', 1, 'endpoint-disabled'),
    ];

    expect(summariseByVariant(counts)).toEqual({
      'price-drop': {
        A: {
          planned: 10,
          delivered: 9,
          opened: 3,
          suppressed: { 'fatigue.user': 1 },
          failed: {},
          rejected: {},
        },
        B: { planned: 5, delivered: 5, clicked: 2, suppressed: {}, failed: {}, rejected: {} },
        H: { planned: 4, delivered: 0, suppressed: { holdout: 4 }, failed: {}, rejected: {} },
      },
      'new-item': {
        A: { planned: 1, delivered: 0, suppressed: {}, failed: { 'endpoint-disabled': 1 }, rejected: {} },
      },
    });
  });

  it('adds the same counter of a variant across days and batches', () => {
    const counts = [
      count('r', 'A', 'delivered', 2),
      { ...count('r', 'A', 'delivered', 3), day: '2026-11-22' },
      count('r', 'A', 'suppressed', 1, 'quiet-hours'),
      count('r', 'A', 'suppressed', 2, 'quiet-hours'),
    ];

    expect(summariseByVariant(counts).r?.A).toMatchObject({ delivered: 5, suppressed: { 'quiet-hours': 3 } });
  });

  it('folds back to what summarise gives per scope', () => {
    const counts = [
      count('r', 'A', 'planned', 2),
      count('r', 'B', 'planned', 3),
      count('r', 'A', 'opened', 1),
      count('r', 'B', 'opened', 2),
    ];

    expect(summarise(counts).r).toMatchObject({ planned: 5, opened: 3 });
    expect(summariseByVariant([])).toEqual({});
  });
});

describe('InMemoryOutcomeLedger.variantSummary', () => {
  it('summarises recorded batches per variant, each batch once', async () => {
    const ledger = new InMemoryOutcomeLedger();
    const tally = new OutcomeTally('r', new Date('2026-11-21T10:00:00Z'));
    tally.add('planned', '', 'A', 2);
    tally.add('planned', '', 'B', 1);
    tally.add('delivered', '', 'A', 2);
    tally.add('suppressed', 'holdout', 'B');

    await ledger.record('batch-1', tally.entries());
    await ledger.record('batch-1', tally.entries());

    expect(await ledger.variantSummary()).toEqual({
      r: {
        A: { planned: 2, delivered: 2, suppressed: {}, failed: {}, rejected: {} },
        B: { planned: 1, delivered: 0, suppressed: { holdout: 1 }, failed: {}, rejected: {} },
      },
    });
  });
});
