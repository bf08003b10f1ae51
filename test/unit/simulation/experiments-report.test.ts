import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../shared/domain/engagement/message-log.ts';
import type { ScopeSummary } from '../../../shared/domain/outcomes/outcome.ts';
import { defaultRecipe } from '../../../shared/domain/recipes/default-catalog.ts';
import { type Recipe, recipeSchema } from '../../../shared/domain/recipes/recipe.ts';
import {
  buildExperimentsReport,
  buildTraces,
  markOpened,
} from '../../../shared/simulation/experiments-report.ts';

const push = { title: 't', body: 'b' };
const experiment = (id: string, variants: unknown[]): Recipe =>
  recipeSchema.parse({ ...defaultRecipe('favorited-item-price-drop'), id, variants });
const abh = experiment('price-drop', [
  { id: 'A', weight: 45, push },
  { id: 'B', weight: 45, push },
  { id: 'H', weight: 10, holdout: true },
]);
const plain = recipeSchema.parse(defaultRecipe('followed-seller-new-item'));

const summary = (
  planned: number,
  delivered: number,
  opened?: number,
  suppressed: Record<string, number> = {},
) =>
  ({
    planned,
    delivered,
    suppressed,
    failed: {},
    rejected: {},
    ...(opened !== undefined ? { opened } : {}),
  }) satisfies ScopeSummary;

describe('buildExperimentsReport', () => {
  it('reports each variant with rates, and the winner on open rate', () => {
    const report = buildExperimentsReport({
      recipes: [plain, abh],
      summaries: {
        'price-drop': {
          A: summary(1000, 980, 49),
          B: summary(1000, 990, 99),
          H: summary(220, 0, undefined, { holdout: 220 }),
        },
        'followed-seller-new-item': { A: summary(5, 5, 1) },
      },
      conversions: { 'price-drop': { A: 20, B: 30, H: 4 } },
    });

    expect(Object.keys(report)).toEqual(['price-drop']);
    const experimentReport = report['price-drop']!;
    expect(experimentReport.winner).toBe('B');
    expect(experimentReport.reason).toBe('significant');
    expect(experimentReport.pValue).toBeLessThan(0.001);
    expect(experimentReport.variants.B).toMatchObject({
      assigned: 1000,
      delivered: 990,
      opened: 99,
      openRate: 0.1,
      converted: 30,
      conversionRate: 0.03,
    });
    expect(experimentReport.variants.B?.openRateInterval.low).toBeLessThan(0.1);
    expect(experimentReport.variants.B?.openRateInterval.high).toBeGreaterThan(0.1);
    expect(experimentReport.variants.H).toMatchObject({
      assigned: 220,
      delivered: 0,
      opened: 0,
      openRate: 0,
      converted: 4,
      holdout: true,
    });
    expect(experimentReport.variants.H?.conversionRate).toBeCloseTo(4 / 220, 12);
  });

  it('gives each pushed variant its conversion lift over the holdout', () => {
    const report = buildExperimentsReport({
      recipes: [abh],
      summaries: {
        'price-drop': { A: summary(1000, 1000, 0), B: summary(1000, 1000, 0), H: summary(1000, 0) },
      },
      conversions: { 'price-drop': { A: 30, B: 20, H: 20 } },
    });
    const variants = report['price-drop']!.variants;

    expect(variants.A?.lift).toBeCloseTo(0.5, 12);
    expect(variants.A?.liftPValue).toBeGreaterThan(0);
    expect(variants.B).toMatchObject({ lift: 0, liftPValue: 1 });
    expect(variants.H).not.toHaveProperty('lift');
  });

  it('names no winner for equal open rates', () => {
    const report = buildExperimentsReport({
      recipes: [abh],
      summaries: {
        'price-drop': { A: summary(5000, 5000, 500), B: summary(5000, 5000, 500), H: summary(1000, 0) },
      },
    });

    expect(report['price-drop']).toMatchObject({ winner: null, reason: 'tie', pValue: 1 });
  });

  it('names no winner with too few recipients, however large the difference', () => {
    const report = buildExperimentsReport({
      recipes: [abh],
      summaries: { 'price-drop': { A: summary(40, 40, 0), B: summary(40, 40, 40) } },
    });

    expect(report['price-drop']).toMatchObject({ winner: null, reason: 'too-few-samples' });
    expect(
      buildExperimentsReport({
        recipes: [abh],
        summaries: { 'price-drop': { A: summary(40, 40, 0), B: summary(40, 40, 40) } },
        winner: { minSamples: 20 },
      })['price-drop']?.winner,
    ).toBe('B');
  });

  it('reports a variant nobody was assigned to with zeros, and no lift without a holdout', () => {
    const ab = experiment('ab', [
      { id: 'A', weight: 99, push },
      { id: 'B', weight: 1, push },
    ]);

    const report = buildExperimentsReport({ recipes: [ab], summaries: { ab: { A: summary(10, 10, 2) } } });

    expect(report.ab?.variants.B).toEqual({
      assigned: 0,
      delivered: 0,
      opened: 0,
      openRate: 0,
      openRateInterval: { low: 0, high: 1 },
      converted: 0,
      conversionRate: 0,
      conversionRateInterval: { low: 0, high: 1 },
    });
    expect(report.ab?.variants.A).not.toHaveProperty('lift');
  });

  it('ignores counters of a variant the recipe does not declare', () => {
    const report = buildExperimentsReport({
      recipes: [abh],
      summaries: { 'price-drop': { A: summary(1, 1), Z: summary(9, 9) } },
    });

    expect(Object.keys(report['price-drop']!.variants)).toEqual(['A', 'B', 'H']);
  });
});

describe('buildTraces', () => {
  const record = (
    time: string,
    step: MessageRecord['step'],
    extra: Partial<MessageRecord> = {},
  ): MessageRecord => ({
    time,
    step,
    scope: 'price-drop',
    variant: 'A',
    eventId: 'evt-1',
    userId: 'u1',
    ...extra,
  });

  it('lists the steps of each asked-for user in time order, with reasons', () => {
    const t0 = '2026-11-21T10:00:00.000Z';
    const records = [
      record(t0, 'delivered', { deviceId: 'd1' }),
      record(t0, 'planned'),
      record('2026-11-21T10:00:30.000Z', 'opened', { deviceId: 'd1' }),
      record(t0, 'packed', { jobId: 'job-1' }),
      record(t0, 'planned', { userId: 'u2' }),
      record(t0, 'suppressed', { userId: 'u2', reason: 'fatigue.user' }),
      record(t0, 'planned', { userId: 'u3' }),
      record(t0, 'held', { userId: 'u3', releaseAt: '2026-11-21T23:00:00.000Z' }),
    ];

    const traces = buildTraces(records, ['u1', 'u2', 'nobody']);

    expect(Object.keys(traces)).toEqual(['u1', 'u2', 'nobody']);
    expect(traces.u1?.map((s) => s.step)).toEqual(['planned', 'packed', 'delivered', 'opened']);
    expect(traces.u1?.[2]).toEqual({
      time: t0,
      step: 'delivered',
      recipe: 'price-drop',
      eventId: 'evt-1',
      variant: 'A',
      deviceId: 'd1',
    });
    expect(traces.u2).toEqual([
      { time: t0, step: 'planned', recipe: 'price-drop', eventId: 'evt-1', variant: 'A' },
      {
        time: t0,
        step: 'suppressed',
        recipe: 'price-drop',
        eventId: 'evt-1',
        variant: 'A',
        reason: 'fatigue.user',
      },
    ]);
    expect(traces.nobody).toEqual([]);
    expect(buildTraces(records, ['u3']).u3?.[1]).toMatchObject({
      step: 'held',
      releaseAt: '2026-11-21T23:00:00.000Z',
    });
  });

  it('keeps the record order of equal steps at one instant', () => {
    const t0 = '2026-11-21T10:00:00.000Z';
    const records = [
      record(t0, 'published', { deviceId: 'd2' }),
      record(t0, 'published', { deviceId: 'd1' }),
    ];

    expect(buildTraces(records, ['u1']).u1?.map((s) => s.deviceId)).toEqual(['d2', 'd1']);
  });
});

describe('markOpened', () => {
  it('sets opened on the deliveries opened, by index, and leaves the others alone', () => {
    const deliveries = [{ userId: 'u1' }, { userId: 'u2' }, { userId: 'u3' }];

    const marked = markOpened(deliveries, [{ delivery: 2 }, { delivery: 0 }]);

    expect(marked).toEqual([
      { userId: 'u1', opened: true },
      { userId: 'u2' },
      { userId: 'u3', opened: true },
    ]);
    expect(marked[1]).not.toHaveProperty('opened');
    expect(deliveries[0]).not.toHaveProperty('opened');
  });
});
