/**
 * EventBridge compares numbers as fixed-point values with six decimals, limited to ±5e9 (the
 * `ComparableNumber` of AWS's event-ruler). A number outside that window cannot take part in
 * numeric matching at all: in a pattern it is an error, in an event it simply never matches.
 */

const MAX_DECIMALS = 6;
const LIMIT_IN_MICROS = 5_000_000_000_000_000;

/** Why a number cannot be compared numerically, worded as AWS reports it. */
export const OUT_OF_RANGE_REASON = 'Value must be between -5.0E9 and 5.0E9, inclusive';
export const TOO_PRECISE_REASON = 'Only values upto 6 decimals are supported';

const LEXEME = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A number as an integer count of millionths, or the reason it has none. */
export type Comparable = { readonly micros: number } | { readonly reason: string };

/**
 * Converts a JSON number lexeme to millionths. Working from the text rather than a double keeps
 * `0.3` exact and lets `300`, `300.0` and `3e2` agree.
 */
export function toComparable(lexeme: string): Comparable {
  const match = LEXEME.exec(lexeme);
  if (match === null) return { reason: `Not a number: ${lexeme}` };
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  let digits = (whole + fraction).replace(/^0+/, '');
  let exp = Number(exponent) - fraction.length;
  if (digits === '') return { micros: 0 };
  const trailingZeros = digits.length - digits.replace(/0+$/, '').length;
  digits = digits.slice(0, digits.length - trailingZeros);
  exp += trailingZeros;
  if (-exp > MAX_DECIMALS) return { reason: TOO_PRECISE_REASON };
  const shift = exp + MAX_DECIMALS;
  if (digits.length + shift > 16) return { reason: OUT_OF_RANGE_REASON };
  const micros = Number(digits + '0'.repeat(shift));
  if (micros > LIMIT_IN_MICROS) return { reason: OUT_OF_RANGE_REASON };
  return { micros: sign === '-' ? -micros : micros };
}

/** Millionths of a number, or `undefined` when EventBridge could not compare it numerically. */
export function comparableMicros(lexeme: string): number | undefined {
  const result = toComparable(lexeme);
  return 'micros' in result ? result.micros : undefined;
}

/** The comparison bounds an open-ended numeric range gets, as event-ruler uses them. */
export const MIN_MICROS = -LIMIT_IN_MICROS;
export const MAX_MICROS = LIMIT_IN_MICROS;
