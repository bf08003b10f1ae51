import { describe, expect, it } from 'vitest';
import { JsonSyntaxError } from '../../../shared/event-patterns/errors.ts';
import { JsonReader, parseJson, stringifyJson } from '../../../shared/event-patterns/json-text.ts';

const roundTrip = (text: string): string => {
  const value = parseJson(text);
  if (value === undefined) throw new Error('empty');
  return stringifyJson(value);
};

describe('parseJson / stringifyJson', () => {
  it('keeps the spelling of numbers, which JSON.parse loses', () => {
    expect(roundTrip('[300.0, 3e2, -0, 1E+2, 123456789012345678901]')).toBe(
      '[300.0,3e2,-0,1E+2,123456789012345678901]',
    );
  });

  it('keeps key order and lets a repeated key win with its last value', () => {
    expect(roundTrip('{"b": 1, "a": {"x": true}, "b": 2}')).toBe('{"b":2,"a":{"x":true}}');
  });

  it('decodes escapes, including surrogate pairs and lone surrogates', () => {
    const value = parseJson('"a\\"b\\\\c\\/d\\n\\ud83d\\ude80\\ud800"');
    expect(value).toEqual({ type: 'string', value: 'a"b\\c/d\n\u{1F680}\ud800' });
  });

  it('treats whitespace-only text as no value and ignores text after the first value', () => {
    expect(parseJson('  \n')).toBeUndefined();
    expect(roundTrip('{"a":1} trailing words')).toBe('{"a":1}');
  });

  it('refuses trailing text in strict mode', () => {
    expect(() => parseJson('{"a":1} x', { strict: true })).toThrow(JsonSyntaxError);
  });
});

describe('JSON syntax errors use the wording AWS passes through from its parser', () => {
  it.each([
    [
      'a bare word',
      'this is not json',
      "Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    [
      'a misspelt literal',
      '[tru]',
      "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    [
      'single-quoted names',
      "{'a': 1}",
      "Unexpected character (''' (code 39)): was expecting double-quote to start field name",
    ],
    [
      'a missing colon',
      '{"a" 1}',
      "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value",
    ],
    [
      'a missing comma in an object',
      '{"a": 1 "b": 2}',
      `Unexpected character ('"' (code 34)): was expecting comma to separate Object entries`,
    ],
    [
      'a missing comma in an array',
      '[1 2]',
      "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries",
    ],
    [
      'a trailing comma in an array',
      '[1,]',
      "Unexpected character (']' (code 93)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
    ],
    [
      'a trailing comma in an object',
      '{"a":1,}',
      "Unexpected character ('}' (code 125)): was expecting double-quote to start field name",
    ],
    ['a mismatched close', '{"a":1]', "Unexpected close marker ']': expected '}'"],
    ['an unterminated object', '{"a":1', 'Unexpected end-of-input: expected close marker for Object'],
    [
      'an unterminated string',
      '["abc',
      'Unexpected end-of-input: was expecting closing quote for a string value',
    ],
    [
      'a raw newline in a string',
      '["a\nb"]',
      'Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value',
    ],
    ['an unknown escape', '["\\x"]', "Unrecognized character escape 'x' (code 120)"],
    ['a leading zero', '[01]', 'Invalid numeric value: Leading zeroes not allowed'],
    [
      'a bare minus',
      '[-a]',
      "Unexpected character ('a' (code 97)) in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value",
    ],
    [
      'a dangling decimal point',
      '[1.]',
      "Unexpected character (']' (code 93)) in numeric value: Decimal point not followed by a digit",
    ],
  ])('%s', (_title, text, message) => {
    expect(() => parseJson(text)).toThrow(new JsonSyntaxError(message));
  });
});

describe('JsonReader', () => {
  it('reports tokens one at a time, so a caller can stop at the first problem it cares about', () => {
    const reader = new JsonReader('["x", {"k": 1}] garbage');
    expect(reader.next()).toEqual({ kind: 'start-array' });
    expect(reader.next()).toEqual({ kind: 'string', value: 'x' });
    expect(reader.next()).toEqual({ kind: 'start-object' });
    expect(reader.next()).toEqual({ kind: 'field-name', name: 'k' });
    expect(reader.next()).toEqual({ kind: 'number', text: '1' });
    expect(reader.next()).toEqual({ kind: 'end-object' });
    expect(reader.next()).toEqual({ kind: 'end-array' });
    expect(reader.next()).toEqual({ kind: 'end-of-input' });
  });

  it('does not look past the token it returns', () => {
    const reader = new JsonReader('[1, }');
    expect(reader.next().kind).toBe('start-array');
    expect(reader.next().kind).toBe('number');
    expect(() => reader.next()).toThrow(JsonSyntaxError);
  });
});
