import type { StatsRow } from './message-log-reader.ts';
import { type Arm, type Lift, liftOverHoldout, pickWinner, type WinnerVerdict } from './significance.ts';

/** What the rows of one recipe or campaign say as an experiment: its winner, and each variant's lift. */
export interface ExperimentVerdict {
  readonly scope: string;
  /** On open rate (opened over delivered); holdouts are never compared. */
  readonly winner: WinnerVerdict;
  /** Each pushed variant's conversion lift over the holdout, when there is one. */
  readonly lifts: Readonly<Record<string, Lift>>;
}

/** A holdout variant, as the log shows it: every recipient it planned was kept back as `holdout`. */
const isHoldout = (row: StatsRow) => row.planned > 0 && (row.suppressed.holdout ?? 0) === row.planned;

/**
 * The verdict of every scope with more than one variant, from the message log's stats alone (no
 * catalog needed: a holdout is recognised by its records).
 */
export const experimentVerdicts = (rows: readonly StatsRow[]): ExperimentVerdict[] => {
  const byScope = new Map<string, StatsRow[]>();
  for (const row of rows) byScope.set(row.scope, [...(byScope.get(row.scope) ?? []), row]);
  return [...byScope]
    .filter(([, variants]) => variants.length > 1)
    .map(([scope, variants]) => {
      const opens: Arm[] = variants.map((r) => ({
        id: r.variant,
        assigned: r.planned,
        trials: r.delivered,
        successes: r.opened,
        holdout: isHoldout(r),
      }));
      const conversions: Arm[] = variants.map((r) => ({
        id: r.variant,
        assigned: r.planned,
        successes: r.converted,
        holdout: isHoldout(r),
      }));
      return { scope, winner: pickWinner(opens), lifts: liftOverHoldout(conversions) };
    });
};
