/**
 * The statistics of an experiment: each arm's rate with a 95% Wilson interval, a two-proportion
 * z-test for two arms, a chi-squared test of independence over k arms, and a winner only when
 * the data say so. Pure arithmetic, no dependencies: the same numbers in a report, in
 * `herald stats` and in tests.
 */

/** One arm of an experiment, for one metric (opens over deliveries, conversions over assignments). */
export interface Arm {
  readonly id: string;
  /** Recipients assigned to the arm; the sample-size rule counts these. */
  readonly assigned: number;
  /** Recipients the rate is over (delivered, for an open rate); `assigned` when absent. */
  readonly trials?: number;
  /** Of the trials, those that did it (opened, converted). */
  readonly successes: number;
  /** Receives nothing: never a winner, the baseline of the lift. */
  readonly holdout?: boolean;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface ArmRate {
  readonly rate: number;
  /** 95% Wilson score interval: honest near 0 and 1 and for small samples, unlike the Wald one. */
  readonly interval: Interval;
}

/** The two-sided 97.5% quantile of the standard normal distribution. */
const Z_95 = 1.959963984540054;
const EPSILON = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

const trialsOf = (arm: Arm): number => arm.trials ?? arm.assigned;

/** Lanczos approximation (g = 7, n = 9) of ln Γ(x), accurate to about 15 digits. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export const lnGamma = (x: number): number => {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const y = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
};

/** P(a, x) by its power series; converges fast for x < a + 1. */
const lowerGammaSeries = (a: number, x: number): number => {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
};

/** Q(a, x) by its continued fraction (modified Lentz); converges fast for x ≥ a + 1. */
const upperGammaFraction = (a: number, x: number): number => {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
};

/**
 * The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), for a > 0.
 * The series below a + 1 and the continued fraction above it each converge where the other is slow.
 */
export const upperRegularisedGamma = (a: number, x: number): number => {
  if (!(a > 0)) throw new RangeError(`gamma: a must be positive, got ${a}`);
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < a + 1) return Math.max(0, Math.min(1, 1 - lowerGammaSeries(a, x)));
  return Math.max(0, Math.min(1, upperGammaFraction(a, x)));
};

/**
 * P(X ≥ x) for X chi-squared with `df` degrees of freedom: the p-value of a chi-squared statistic.
 *
 * @example chiSquaredSurvival(3.841, 1) // ≈ 0.05
 */
export const chiSquaredSurvival = (x: number, df: number): number => upperRegularisedGamma(df / 2, x / 2);

/** P(|Z| ≥ |z|) for a standard normal Z: erfc(|z|/√2), which is Q(1/2, z²/2). */
export const twoSidedNormalPValue = (z: number): number => upperRegularisedGamma(0.5, (z * z) / 2);

/**
 * An arm's rate with its 95% Wilson score interval. No trials: rate 0, interval [0, 1] (nothing
 * is known).
 *
 * @example rateWithInterval(10, 100) // { rate: 0.1, interval: { low: 0.0552, high: 0.1744 } }
 */
export const rateWithInterval = (successes: number, trials: number): ArmRate => {
  if (trials <= 0) return { rate: 0, interval: { low: 0, high: 1 } };
  const p = successes / trials;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (Z_95 / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // At 0 and 1 the bound is exact in theory; rounding must not move it off.
  const low = successes <= 0 ? 0 : Math.max(0, centre - half);
  const high = successes >= trials ? 1 : Math.min(1, centre + half);
  return { rate: p, interval: { low, high } };
};

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Two-sided pooled two-proportion z-test: do arms `a` and `b` have different rates? Rates that
 * cannot differ (both 0 or both 1, or an arm without trials) give z = 0, p = 1.
 */
export const twoProportionTest = (a: Arm, b: Arm): TestResult => {
  const na = trialsOf(a);
  const nb = trialsOf(b);
  if (na <= 0 || nb <= 0) return { statistic: 0, pValue: 1 };
  const pooled = (a.successes + b.successes) / (na + nb);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  if (se === 0) return { statistic: 0, pValue: 1 };
  const z = (a.successes / na - b.successes / nb) / se;
  return { statistic: z, pValue: twoSidedNormalPValue(z) };
};

/**
 * Pearson's chi-squared test of independence on the 2×k table (successes, failures) × arms:
 * do the k rates differ at all? Arms without trials are left out. For two arms the statistic is
 * the square of the two-proportion z and the p-values agree.
 */
export const chiSquaredTest = (arms: readonly Arm[]): TestResult & { readonly df: number } => {
  const used = arms.filter((arm) => trialsOf(arm) > 0);
  const df = used.length - 1;
  if (df < 1) return { statistic: 0, df: Math.max(df, 0), pValue: 1 };
  const total = used.reduce((n, arm) => n + trialsOf(arm), 0);
  const successes = used.reduce((n, arm) => n + arm.successes, 0);
  const pooled = successes / total;
  if (pooled === 0 || pooled === 1) return { statistic: 0, df, pValue: 1 };
  let statistic = 0;
  for (const arm of used) {
    const n = trialsOf(arm);
    const expectedYes = n * pooled;
    const expectedNo = n * (1 - pooled);
    statistic += (arm.successes - expectedYes) ** 2 / expectedYes;
    statistic += (n - arm.successes - expectedNo) ** 2 / expectedNo;
  }
  return { statistic, df, pValue: chiSquaredSurvival(statistic, df) };
};

export interface WinnerOptions {
  /** Significance level; 0.05 by default. */
  readonly alpha?: number;
  /** Recipients each compared arm needs assigned before any winner is named; 100 by default. */
  readonly minSamples?: number;
}

export type WinnerReason =
  /** A winner: significant, enough samples, strictly the best. */
  | 'significant'
  /** Fewer than two arms that receive a push. */
  | 'too-few-arms'
  | 'too-few-samples'
  | 'not-significant'
  /** Two or more arms share the best rate. */
  | 'tie';

export interface WinnerVerdict {
  readonly winner: string | null;
  readonly reason: WinnerReason;
  /** Of the test over every compared arm (z-test for two, chi-squared for more); null under two arms. */
  readonly pValue: number | null;
  readonly test: 'two-proportion' | 'chi-squared' | null;
  /** Every arm's rate and interval, the holdout's included. */
  readonly rates: Readonly<Record<string, ArmRate>>;
}

/**
 * The winning arm, or `winner: null` unless the data say so: a winner needs p < alpha over the
 * compared arms (holdouts are not compared: they receive nothing), at least `minSamples`
 * assigned in every compared arm, and a best rate strictly above every other. Over three or more
 * arms, a significant chi-squared only says that the rates differ somewhere, so the best arm must
 * also beat the runner-up by a two-proportion test at the same alpha.
 *
 * @example pickWinner([{ id: 'A', assigned: 1000, trials: 1000, successes: 50 }, { id: 'B', assigned: 1000, trials: 1000, successes: 90 }])
 *   // { winner: 'B', reason: 'significant', pValue: 0.0007, ... }
 */
export const pickWinner = (arms: readonly Arm[], options: WinnerOptions = {}): WinnerVerdict => {
  const alpha = options.alpha ?? 0.05;
  const minSamples = options.minSamples ?? 100;
  const rates = Object.fromEntries(
    arms.map((arm) => [arm.id, rateWithInterval(arm.successes, trialsOf(arm))]),
  );
  const compared = arms.filter((arm) => !arm.holdout);
  if (compared.length < 2) return { winner: null, reason: 'too-few-arms', pValue: null, test: null, rates };

  const overall =
    compared.length === 2
      ? { test: 'two-proportion' as const, pValue: twoProportionTest(compared[0]!, compared[1]!).pValue }
      : { test: 'chi-squared' as const, pValue: chiSquaredTest(compared).pValue };
  const verdict = (winner: string | null, reason: WinnerReason): WinnerVerdict => ({
    winner,
    reason,
    ...overall,
    rates,
  });

  if (compared.some((arm) => arm.assigned < minSamples)) return verdict(null, 'too-few-samples');
  const ranked = [...compared].sort((a, b) => rates[b.id]!.rate - rates[a.id]!.rate);
  const [best, runnerUp] = [ranked[0]!, ranked[1]!];
  if (rates[best.id]!.rate === rates[runnerUp.id]!.rate) return verdict(null, 'tie');
  if (!(overall.pValue < alpha)) return verdict(null, 'not-significant');
  if (compared.length > 2 && !(twoProportionTest(best, runnerUp).pValue < alpha))
    return verdict(null, 'not-significant');
  return verdict(best.id, 'significant');
};

export interface Lift {
  /** The holdout arm the lift is over. */
  readonly holdout: string;
  /** (rate − holdout rate) / holdout rate; null when the holdout's rate is 0 (no baseline). */
  readonly lift: number | null;
  /** Two-proportion test of the arm against the holdout. */
  readonly pValue: number;
}

/**
 * What pushing caused: each pushed arm's rate (of conversions, over assigned recipients) over
 * the holdout's, with its own p-value. Empty without a holdout arm.
 *
 * @example liftOverHoldout([{ id: 'A', assigned: 1000, successes: 30 }, { id: 'H', assigned: 1000, successes: 20, holdout: true }])
 *   // { A: { holdout: 'H', lift: 0.5, pValue: 0.15 } }
 */
export const liftOverHoldout = (arms: readonly Arm[]): Record<string, Lift> => {
  const holdout = arms.find((arm) => arm.holdout);
  if (!holdout) return {};
  const baseline = rateWithInterval(holdout.successes, trialsOf(holdout)).rate;
  const lifts: Record<string, Lift> = {};
  for (const arm of arms) {
    if (arm.holdout) continue;
    const rate = rateWithInterval(arm.successes, trialsOf(arm)).rate;
    lifts[arm.id] = {
      holdout: holdout.id,
      lift: baseline === 0 ? null : (rate - baseline) / baseline,
      pValue: twoProportionTest(arm, holdout).pValue,
    };
  }
  return lifts;
};
