import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError } from '../../../shared/event-patterns/index.ts';

const reasonFor = (pattern: string): string => {
  try {
    compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason;
    throw error;
  }
  throw new Error(`pattern was accepted: ${pattern}`);
};

describe('compilePattern rejects what AWS rejects, with its reason', () => {
  it.each([
    ['an empty pattern', '{}', 'Empty objects are not allowed'],
    ['an empty nested object', '{"detail": {}}', 'Empty objects are not allowed'],
    ['blank text', '   ', 'Filter is not an object'],
    [
      'a nested array as a value',
      '{"a": [["x"]]}',
      'Match value must be String, number, true, false, or null',
    ],
    ['an empty match expression', '{"a": [{}]}', 'Match expression name not found'],
    [
      'two operators in one expression',
      '{"a": [{"prefix": "x", "suffix": "y"}]}',
      'Only one key allowed in match expression',
    ],
    [
      'exists with a non-boolean',
      '{"a": [{"exists": "yes"}]}',
      'exists match pattern must be either true or false.',
    ],
    [
      'prefix with an unknown option',
      '{"a": [{"prefix": {"contains": "x"}}]}',
      'Unsupported prefix pattern: contains',
    ],
    [
      'an unknown anything-but option',
      '{"a": [{"anything-but": {"contains": "x"}}]}',
      'Unsupported anything-but pattern: contains',
    ],
    [
      'anything-but true',
      '{"a": [{"anything-but": true}]}',
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but mixing types',
      '{"a": [{"anything-but": ["x", 1]}]}',
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'anything-but with an empty list',
      '{"a": [{"anything-but": []}]}',
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'an empty anything-but prefix in a list',
      '{"a": [{"anything-but": {"prefix": ["x", ""]}}]}',
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but beyond the numeric range',
      '{"a": [{"anything-but": [1e10]}]}',
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    ['$or given an object', '{"$or": {"a": ["x"]}}', 'It must be an Array followed with $or.'],
    [
      '$or with one alternative',
      '{"$or": [{"a": ["x"]}]}',
      'There must have at least 2 Objects in $or relationship.',
    ],
    [
      '$or with a non-object',
      '{"$or": ["a", "b"]}',
      'Only JSON object is allowed in array of $or relationship.',
    ],
    [
      'an operator name as a field in $or',
      '{"$or": [{"numeric": ["x"]}, {"b": ["y"]}]}',
      'numeric is Ruler reserved fieldName which cannot be used inside $or.',
    ],
    ['numeric with no terms', '{"a": [{"numeric": []}]}', 'Invalid member in numeric match: ]'],
    ['numeric starting with a number', '{"a": [{"numeric": [1]}]}', 'Invalid member in numeric match: 1'],
    [
      'an unknown numeric operator',
      '{"a": [{"numeric": ["!=", 1]}]}',
      'Unrecognized numeric range operator: !=',
    ],
    ['equals with a string', '{"a": [{"numeric": ["=", "1"]}]}', 'Value of equals must be numeric'],
    [
      'equals with two values',
      '{"a": [{"numeric": ["=", 1, 2]}]}',
      'Too many elements in numeric expression',
    ],
    [
      'a range without its second operator',
      '{"a": [{"numeric": [">", 1, 2]}]}',
      'Bad value in numeric range: 2',
    ],
    [
      'a range with a fifth term',
      '{"a": [{"numeric": [">", 1, "<", 2, 3]}]}',
      'Too many terms in numeric range expression',
    ],
    ['an empty range', '{"a": [{"numeric": [">=", 5, "<", 5]}]}', 'Bottom must be less than top'],
    [
      'a lower bound at the numeric limit',
      '{"a": [{"numeric": [">", 5000000000]}]}',
      'Bottom must be less than top',
    ],
    [
      'an upper bound beyond the numeric limit',
      '{"a": [{"numeric": ["<", 5000000001]}]}',
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [
      'more than six decimals',
      '{"a": [{"numeric": [">", 0.0000001]}]}',
      'Only values upto 6 decimals are supported',
    ],
    ['a full-length IPv4 mask', '{"ip": [{"cidr": "10.0.0.1/32"}]}', 'IPv4 mask bits must be < 32'],
    ['a full-length IPv6 mask', '{"ip": [{"cidr": "::1/128"}]}', 'IPv6 mask bits must be < 128'],
    [
      'a negative mask',
      '{"ip": [{"cidr": "10.0.0.0/-1"}]}',
      'Malformed CIDR, mask bits must not be negative',
    ],
    ['an address-shaped non-address', '{"ip": [{"cidr": "10.0.0.300/8"}]}', 'Invalid IP address: 10.0.0.300'],
    [
      'an escaped ordinary character in a wildcard',
      '{"f": [{"wildcard": "a\\\\b"}]}',
      'Invalid escape character at pos 2',
    ],
    [
      'consecutive stars after a two-byte character',
      '{"f": [{"wildcard": "é**"}]}',
      'Consecutive wildcard characters at pos 3',
    ],
  ])('%s', (_title, pattern, reason) => {
    expect(reasonFor(pattern)).toBe(reason);
  });

  it('prefixes the reason the way AWS words InvalidEventPatternException', () => {
    expect(() => compilePattern('{}')).toThrow(
      'Event pattern is not valid. Reason: Empty objects are not allowed',
    );
  });

  it('reports the first problem in document order, as AWS streams the pattern', () => {
    // A semantic problem before a syntax error wins, and the other way round.
    expect(reasonFor('{"a": "x", "b": [')).toBe('"a" must be an object or an array');
    expect(reasonFor('{"a": [1,], "b": "x"}')).toMatch(/^Unexpected character \(']'/);
  });

  it('ignores text after the pattern object, as AWS does', () => {
    expect(compilePattern('{"a": ["x"]} and then some').branches).toHaveLength(1);
  });
});

describe('compilePattern structure', () => {
  const paths = (pattern: string): string[][] =>
    compilePattern(pattern).branches.map((branch) => branch.map((field) => field.path));

  it('joins nested keys with dots and sorts fields by path', () => {
    expect(paths('{"detail": {"z": ["1"], "state.status": ["x"]}, "source": ["s"]}')).toEqual([
      ['detail.state.status', 'detail.z', 'source'],
    ]);
  });

  it('expands $or into one branch per alternative, keeping fields before and after it', () => {
    expect(paths('{"a": ["1"], "$or": [{"b": ["2"]}, {"c": {"d": ["3"]}}], "e": ["4"]}')).toEqual([
      ['a', 'b', 'e'],
      ['a', 'c.d', 'e'],
    ]);
  });

  it('multiplies branches for parallel $or blocks', () => {
    const pattern = '{"$or": [{"a": ["1"]}, {"b": ["2"]}], "detail": {"$or": [{"c": ["3"]}, {"d": ["4"]}]}}';
    expect(paths(pattern).sort()).toEqual([
      ['a', 'detail.c'],
      ['a', 'detail.d'],
      ['b', 'detail.c'],
      ['b', 'detail.d'],
    ]);
  });

  it('records exists:false as absence rather than as a value matcher', () => {
    const [field] = compilePattern('{"a": [{"exists": false}]}').branches[0] ?? [];
    expect(field).toMatchObject({ path: 'a', matchesAbsence: true, matchers: [] });
  });

  it('keeps the source text and matches without recompiling', () => {
    const source = '{"source": ["herald"]}';
    const compiled = compilePattern(source);
    const envelope = '"id":"1","account":"1","time":"t","region":"r","detail-type":"d"';
    expect(compiled.source).toBe(source);
    expect(compiled.matches(`{${envelope},"source":"herald"}`)).toBe(true);
    expect(compiled.matches(`{${envelope},"source":"other"}`)).toBe(false);
  });
});
