import type { MessageRecord, MessageStep } from '../domain/engagement/message-log.ts';
import { messageSteps } from '../domain/engagement/message-log.ts';
import {
  type Arm,
  type Interval,
  liftOverHoldout,
  pickWinner,
  rateWithInterval,
  type WinnerOptions,
  type WinnerReason,
} from '../domain/engagement/significance.ts';
import type { ScopeSummary } from '../domain/outcomes/outcome.ts';
import type { Recipe } from '../domain/recipes/recipe.ts';

/** One variant of an experiment in a report. */
export interface VariantReport {
  /** Recipients assigned to the variant (its `planned`), the holdout's included. */
  readonly assigned: number;
  readonly delivered: number;
  readonly opened: number;
  /** opened / delivered; 0 when nothing was delivered. */
  readonly openRate: number;
  /** 95% Wilson interval of `openRate`. */
  readonly openRateInterval: Interval;
  readonly converted: number;
  /** converted / assigned: over assigned recipients, so the holdout's compares with the others'. */
  readonly conversionRate: number;
  readonly conversionRateInterval: Interval;
  /** Receives nothing: the baseline of `lift`, never the winner. */
  readonly holdout?: true;
  /** (conversionRate − holdout's) / holdout's; present when the recipe has a holdout, null without a baseline. */
  readonly lift?: number | null;
  /** Two-proportion test of this variant's conversions against the holdout's. */
  readonly liftPValue?: number;
}

/** One recipe's experiment in a report: its variants and the winner on open rate, if any. */
export interface ExperimentReport {
  readonly variants: Record<string, VariantReport>;
  /** The variant with the best open rate, when the test says so; null otherwise. */
  readonly winner: string | null;
  /** Of the test over the pushed variants' open rates; null with fewer than two pushed variants. */
  readonly pValue: number | null;
  /** Why there is or is not a winner. */
  readonly reason: WinnerReason;
}

export interface ExperimentsInput {
  /** The run's recipes: those with `variants` are experiments. */
  readonly recipes: readonly Recipe[];
  /** OutcomeLedger.variantSummary(). */
  readonly summaries: Readonly<Record<string, Readonly<Record<string, ScopeSummary>>>>;
  /** Conversions per recipe and variant (the message log's stats provide them). */
  readonly conversions?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Winner rule: alpha 0.05 and 100 assigned per variant by default. */
  readonly winner?: WinnerOptions;
}

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/**
 * The `experiments` section of a report: per recipe with variants, each variant's assigned,
 * delivered, opened and converted recipients with rates and intervals, the winner on open rate
 * (`pickWinner`: significant, enough samples, strictly best; holdouts not compared), and, when
 * there is a holdout, each variant's conversion lift over it.
 *
 * @example buildExperimentsReport({ recipes: catalog.recipes, summaries: await ledger.variantSummary(), conversions })
 */
export const buildExperimentsReport = (input: ExperimentsInput): Record<string, ExperimentReport> => {
  const report: Record<string, ExperimentReport> = {};
  for (const recipe of input.recipes) {
    if (!recipe.variants) continue;
    const summaries = input.summaries[recipe.id] ?? {};
    const conversions = input.conversions?.[recipe.id] ?? {};
    const rows = recipe.variants.map((variant) => {
      const s = summaries[variant.id];
      const holdout = 'holdout' in variant;
      return {
        id: variant.id,
        holdout,
        assigned: s?.planned ?? 0,
        delivered: holdout ? 0 : (s?.delivered ?? 0),
        opened: holdout ? 0 : (s?.opened ?? 0),
        converted: conversions[variant.id] ?? 0,
      };
    });
    const openArms: Arm[] = rows.map((r) => ({
      id: r.id,
      assigned: r.assigned,
      trials: r.delivered,
      successes: r.opened,
      holdout: r.holdout,
    }));
    const conversionArms: Arm[] = rows.map((r) => ({
      id: r.id,
      assigned: r.assigned,
      successes: r.converted,
      holdout: r.holdout,
    }));
    const verdict = pickWinner(openArms, input.winner);
    const lifts = liftOverHoldout(conversionArms);
    const variants: Record<string, VariantReport> = {};
    for (const r of rows) {
      const lift = lifts[r.id];
      variants[r.id] = {
        assigned: r.assigned,
        delivered: r.delivered,
        opened: r.opened,
        openRate: ratio(r.opened, r.delivered),
        openRateInterval: rateWithInterval(r.opened, r.delivered).interval,
        converted: r.converted,
        conversionRate: ratio(r.converted, r.assigned),
        conversionRateInterval: rateWithInterval(r.converted, r.assigned).interval,
        ...(r.holdout ? { holdout: true as const } : {}),
        ...(lift ? { lift: lift.lift, liftPValue: lift.pValue } : {}),
      };
    }
    report[recipe.id] = { variants, winner: verdict.winner, pValue: verdict.pValue, reason: verdict.reason };
  }
  return report;
};

/** One step of a traced user's messages, as the report lists it. */
export interface TraceStep {
  readonly time: string;
  readonly step: MessageStep;
  /** The recipe (or campaign). */
  readonly recipe: string;
  readonly eventId: string;
  readonly variant: string;
  /** Why, for `suppressed` and `failed` (`fatigue.user`, `holdout`, `endpoint-disabled`...). */
  readonly reason?: string;
  /** When a held push is due out, on `held`. */
  readonly releaseAt?: string;
  /** The device, on `published`, `delivered` and receipts, when the record names it. */
  readonly deviceId?: string;
}

const stepOrder = new Map<string, number>(messageSteps.map((step, i) => [step, i]));

/**
 * The `traces` section of a report: for each user asked for, every step of their messages in
 * time order (steps of one instant in the life order of a message: planned before delivered),
 * with reasons. A user with no record gets an empty list: nothing was ever planned for them.
 *
 * @example buildTraces(records, ['u1']) // { u1: [{ time, step: 'planned', recipe, eventId, variant: 'A' }, …] }
 */
export const buildTraces = (
  records: readonly MessageRecord[],
  userIds: readonly string[],
): Record<string, TraceStep[]> => {
  const traces: Record<string, TraceStep[]> = Object.fromEntries(userIds.map((id) => [id, []]));
  const ordered = records
    .map((record, index) => ({ record, index }))
    .filter(({ record }) => Object.hasOwn(traces, record.userId))
    .sort(
      (a, b) =>
        Date.parse(a.record.time) - Date.parse(b.record.time) ||
        (stepOrder.get(a.record.step) ?? 0) - (stepOrder.get(b.record.step) ?? 0) ||
        a.index - b.index,
    );
  for (const { record } of ordered) {
    traces[record.userId]!.push({
      time: record.time,
      step: record.step,
      recipe: record.scope,
      eventId: record.eventId,
      variant: record.variant,
      ...(record.reason !== undefined ? { reason: record.reason } : {}),
      ...(record.releaseAt !== undefined ? { releaseAt: record.releaseAt } : {}),
      ...(record.deviceId !== undefined ? { deviceId: record.deviceId } : {}),
    });
  }
  return traces;
};

/**
 * Marks the deliveries the simulator opened (`opened: true`), by their index in the list that
 * `playUsers` was given; the others are left as they are.
 */
export const markOpened = <D extends object>(
  deliveries: readonly D[],
  opens: readonly { readonly delivery: number }[],
): (D & { opened?: true })[] => {
  const opened = new Set(opens.map((o) => o.delivery));
  return deliveries.map((d, i) => (opened.has(i) ? { ...d, opened: true as const } : d));
};
