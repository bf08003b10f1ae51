import { describe, expect, it } from 'vitest';
import { formatStats } from '../../../shared/cli/message-log-commands.ts';
import type { StatsRow } from '../../../shared/domain/engagement/message-log-reader.ts';
import { experimentVerdicts } from '../../../shared/domain/engagement/stats-verdict.ts';

const row = (variant: string, counts: Partial<StatsRow>): StatsRow => ({
  scope: 'price-drop',
  variant,
  planned: 0,
  delivered: 0,
  suppressed: {},
  failed: {},
  opened: 0,
  clicked: 0,
  dismissed: 0,
  converted: 0,
  ...counts,
});

const experiment = [
  row('A', { planned: 400, delivered: 400, opened: 40, converted: 20 }),
  row('B', { planned: 400, delivered: 400, opened: 120, converted: 30 }),
  row('holdout', { planned: 200, suppressed: { holdout: 200 }, converted: 4 }),
];

describe('experimentVerdicts, from the message log stats alone', () => {
  it('names the variant opened more, recognises the holdout by its records, and gives each lift', () => {
    const [verdict] = experimentVerdicts(experiment);

    expect(verdict!.winner.winner).toBe('B');
    expect(Object.keys(verdict!.lifts).sort()).toEqual(['A', 'B']);
    expect(verdict!.lifts.B!.lift).toBeCloseTo((30 / 400 - 4 / 200) / (4 / 200), 6);
  });

  it('names no winner for equal rates, and says nothing of a recipe with one variant', () => {
    const equal = [
      row('A', { planned: 300, delivered: 300, opened: 30 }),
      row('B', { planned: 300, delivered: 300, opened: 30 }),
    ];

    expect(experimentVerdicts(equal)[0]!.winner.winner).toBeNull();
    expect(experimentVerdicts([row('A', { planned: 10, delivered: 10 })])).toEqual([]);
  });

  it('shows in herald stats', () => {
    const text = formatStats(experiment, new Date('2026-11-21T00:00:00Z'), new Date('2026-11-22T00:00:00Z'));

    expect(text).toMatch(
      /Experiments:\n {2}price-drop: winner B \(p = 0\.0000\); conversion lift over holdout: A 150\.0%/,
    );
  });
});
