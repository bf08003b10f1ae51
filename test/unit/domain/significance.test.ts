import { describe, expect, it } from 'vitest';
import {
  type Arm,
  chiSquaredSurvival,
  chiSquaredTest,
  liftOverHoldout,
  lnGamma,
  pickWinner,
  rateWithInterval,
  twoProportionTest,
  twoSidedNormalPValue,
  upperRegularisedGamma,
} from '../../../shared/domain/engagement/significance.ts';

/** Q(k, x) for a whole k in closed form: e^-x Σ_{i<k} x^i / i!. */
const poissonTail = (k: number, x: number): number => {
  let term = 1;
  let sum = 1;
  for (let i = 1; i < k; i++) {
    term *= x / i;
    sum += term;
  }
  return Math.exp(-x) * sum;
};

const arm = (id: string, assigned: number, successes: number, extra: Partial<Arm> = {}): Arm => ({
  id,
  assigned,
  successes,
  ...extra,
});

describe('lnGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 8);
  });
});

describe('chiSquaredSurvival', () => {
  it('gives 0.05 at the tabled critical values', () => {
    expect(chiSquaredSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(5.991464547107979, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(7.814727903251178, 3)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(11.070497693516351, 5)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(14.067140449340169, 7)).toBeCloseTo(0.05, 6);
  });

  it('gives the rounded table values too', () => {
    expect(chiSquaredSurvival(3.841, 1)).toBeCloseTo(0.05, 3);
    expect(chiSquaredSurvival(5.991, 2)).toBeCloseTo(0.05, 3);
    expect(chiSquaredSurvival(11.07, 5)).toBeCloseTo(0.05, 3);
    expect(chiSquaredSurvival(10.828, 1)).toBeCloseTo(0.001, 5);
    expect(chiSquaredSurvival(6.635, 1)).toBeCloseTo(0.01, 4);
  });

  it('agrees with the closed form for even degrees of freedom, on both sides of a + 1', () => {
    for (const [df, x] of [
      [2, 0.1],
      [2, 9],
      [4, 1],
      [4, 20],
      [10, 30],
      [10, 4],
      [40, 60],
      [40, 20],
      [60, 200],
    ] as const) {
      const expected = poissonTail(df / 2, x / 2);
      expect(chiSquaredSurvival(x, df) / expected).toBeCloseTo(1, 9);
    }
  });

  it('is 1 at 0 and falls to 0 far out', () => {
    expect(chiSquaredSurvival(0, 3)).toBe(1);
    expect(chiSquaredSurvival(1e4, 3)).toBe(0);
  });

  it('refuses a non-positive shape', () => {
    expect(() => upperRegularisedGamma(0, 1)).toThrow(RangeError);
  });
});

describe('twoSidedNormalPValue', () => {
  it('gives 0.05 and 0.01 at 1.96 and 2.576', () => {
    expect(twoSidedNormalPValue(1.959963984540054)).toBeCloseTo(0.05, 8);
    expect(twoSidedNormalPValue(-2.5758293035489)).toBeCloseTo(0.01, 8);
    expect(twoSidedNormalPValue(0)).toBe(1);
  });
});

describe('rateWithInterval', () => {
  it('gives the Wilson interval', () => {
    const { rate, interval } = rateWithInterval(10, 100);

    expect(rate).toBe(0.1);
    expect(interval.low).toBeCloseTo(0.0552, 4);
    expect(interval.high).toBeCloseTo(0.1744, 4);
  });

  it('stays inside [0, 1] at the edges', () => {
    expect(rateWithInterval(0, 10).interval.low).toBe(0);
    expect(rateWithInterval(0, 10).interval.high).toBeCloseTo(0.2775, 4);
    expect(rateWithInterval(10, 10).interval.high).toBe(1);
    expect(rateWithInterval(10, 10).interval.low).toBeCloseTo(0.7225, 4);
  });

  it('knows nothing without trials', () => {
    expect(rateWithInterval(0, 0)).toEqual({ rate: 0, interval: { low: 0, high: 1 } });
  });
});

describe('twoProportionTest', () => {
  it('gives the pooled z and its two-sided p-value', () => {
    const result = twoProportionTest(arm('A', 1000, 50), arm('B', 1000, 90));

    expect(result.statistic).toBeCloseTo(-3.5055, 3);
    expect(result.pValue).toBeCloseTo(0.000456, 5);
  });

  it('uses trials rather than assigned when given', () => {
    const a = twoProportionTest(arm('A', 2000, 50, { trials: 1000 }), arm('B', 2000, 90, { trials: 1000 }));

    expect(a.statistic).toBeCloseTo(-3.5055, 3);
  });

  it('finds nothing when rates cannot differ', () => {
    expect(twoProportionTest(arm('A', 100, 0), arm('B', 100, 0)).pValue).toBe(1);
    expect(twoProportionTest(arm('A', 0, 0), arm('B', 100, 10)).pValue).toBe(1);
  });
});

describe('chiSquaredTest', () => {
  it('squares the z of two arms and agrees on p', () => {
    const [a, b] = [arm('A', 1000, 50), arm('B', 1000, 90)];
    const chi = chiSquaredTest([a, b]);
    const z = twoProportionTest(a, b);

    expect(chi.df).toBe(1);
    expect(chi.statistic).toBeCloseTo(z.statistic ** 2, 9);
    expect(chi.pValue).toBeCloseTo(z.pValue, 12);
  });

  it('tests k arms with k - 1 degrees of freedom', () => {
    // Table [[20, 80], [30, 70], [50, 50]]: chi2 = 21, df = 2, p = e^-10.5.
    const chi = chiSquaredTest([arm('A', 100, 20), arm('B', 100, 30), arm('C', 100, 50)]);

    expect(chi.df).toBe(2);
    expect(chi.statistic).toBeCloseTo(21, 9);
    expect(chi.pValue).toBeCloseTo(Math.exp(-10.5), 12);
  });

  it('gives p = 1 when nothing happened anywhere', () => {
    expect(chiSquaredTest([arm('A', 100, 0), arm('B', 100, 0), arm('C', 100, 0)]).pValue).toBe(1);
  });
});

describe('pickWinner', () => {
  it('names the better arm of a clear difference with enough samples', () => {
    const verdict = pickWinner([arm('A', 1000, 50), arm('B', 1000, 90)]);

    expect(verdict.winner).toBe('B');
    expect(verdict.reason).toBe('significant');
    expect(verdict.test).toBe('two-proportion');
    expect(verdict.pValue).toBeLessThan(0.001);
    expect(verdict.rates.B?.rate).toBe(0.09);
  });

  it('names no winner for equal rates, however many samples', () => {
    const verdict = pickWinner([arm('A', 100_000, 5000), arm('B', 100_000, 5000)]);

    expect(verdict).toMatchObject({ winner: null, reason: 'tie', pValue: 1 });
  });

  it('names no winner when two of three arms share the best rate', () => {
    const verdict = pickWinner([arm('A', 5000, 500), arm('B', 5000, 500), arm('C', 5000, 100)]);

    expect(verdict.pValue).toBeLessThan(0.05);
    expect(verdict).toMatchObject({ winner: null, reason: 'tie', test: 'chi-squared' });
  });

  it('names no winner with fewer than minSamples assigned to an arm, even when significant', () => {
    const verdict = pickWinner([arm('A', 99, 0), arm('B', 1000, 500)]);

    expect(verdict.pValue).toBeLessThan(0.05);
    expect(verdict).toMatchObject({ winner: null, reason: 'too-few-samples' });
  });

  it('counts assigned recipients for the sample size, not trials', () => {
    const arms = [arm('A', 150, 5, { trials: 90 }), arm('B', 150, 60, { trials: 90 })];

    expect(pickWinner(arms).winner).toBe('B');
    expect(pickWinner(arms, { minSamples: 200 }).reason).toBe('too-few-samples');
  });

  it('names no winner when the difference is within chance', () => {
    const verdict = pickWinner([arm('A', 200, 10), arm('B', 200, 14)]);

    expect(verdict).toMatchObject({ winner: null, reason: 'not-significant' });
    expect(verdict.pValue).toBeGreaterThan(0.05);
  });

  it('honours a stricter alpha', () => {
    const arms = [arm('A', 1000, 50), arm('B', 1000, 75)];

    expect(pickWinner(arms).winner).toBe('B');
    expect(pickWinner(arms, { alpha: 0.01 }).winner).toBeNull();
  });

  it('leaves the holdout out of the comparison but reports its rate', () => {
    const verdict = pickWinner([
      arm('A', 1000, 50),
      arm('B', 1000, 90),
      arm('H', 1000, 0, { holdout: true, trials: 0 }),
    ]);

    expect(verdict.winner).toBe('B');
    expect(verdict.test).toBe('two-proportion');
    expect(Object.keys(verdict.rates)).toEqual(['A', 'B', 'H']);
  });

  it('needs two pushed arms', () => {
    const verdict = pickWinner([arm('A', 1000, 50), arm('H', 1000, 10, { holdout: true })]);

    expect(verdict).toEqual(expect.objectContaining({ winner: null, reason: 'too-few-arms', pValue: null }));
  });

  it('over three arms, needs the best to beat the runner-up as well', () => {
    // The arms differ (C is low) but A and B are within chance of each other.
    const arms = [arm('A', 2000, 210), arm('B', 2000, 200), arm('C', 2000, 100)];
    const verdict = pickWinner(arms);

    expect(verdict.pValue).toBeLessThan(0.001);
    expect(verdict).toMatchObject({ winner: null, reason: 'not-significant', test: 'chi-squared' });
    expect(pickWinner([arm('A', 2000, 300), ...arms.slice(1)]).winner).toBe('A');
  });
});

describe('liftOverHoldout', () => {
  it('gives each pushed arm its lift over the holdout, with a p-value', () => {
    const lifts = liftOverHoldout([
      arm('A', 1000, 30),
      arm('B', 1000, 20),
      arm('H', 1000, 20, { holdout: true }),
    ]);

    expect(lifts.A?.holdout).toBe('H');
    expect(lifts.A?.lift).toBeCloseTo(0.5, 12);
    expect(lifts.A?.pValue).toBeCloseTo(twoProportionTest(arm('A', 1000, 30), arm('H', 1000, 20)).pValue, 12);
    expect(lifts.B).toEqual({ holdout: 'H', lift: 0, pValue: 1 });
    expect(lifts.H).toBeUndefined();
  });

  it('has no lift without a baseline', () => {
    expect(liftOverHoldout([arm('A', 100, 3), arm('H', 100, 0, { holdout: true })]).A?.lift).toBeNull();
    expect(liftOverHoldout([arm('A', 100, 3), arm('B', 100, 1)])).toEqual({});
  });
});
