import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventError, testEventPattern } from '../../../shared/event-patterns/index.ts';

const envelope =
  '"id":"1","account":"123456789012","source":"test","time":"2024-01-01T00:00:00Z","region":"us-east-1","detail-type":"T"';
/** An event with a valid envelope and the given detail, as raw JSON text (number spelling kept). */
const withDetail = (detail: string): string => `{${envelope},"detail":${detail}}`;
const matches = (pattern: string, detail: string): boolean => testEventPattern(pattern, withDetail(detail));

describe('arrays of objects are matched one element at a time', () => {
  const employees =
    '{"employees":[{"first":"John","last":"Doe"},{"first":"Anna","last":"Smith"},{"first":"Peter","last":"Jones"}]}';

  it('matches fields of the same element', () => {
    expect(matches('{"detail":{"employees":{"first":["Anna"],"last":["Smith"]}}}', employees)).toBe(true);
  });

  it('refuses to combine fields of different elements', () => {
    expect(matches('{"detail":{"employees":{"first":["Anna"],"last":["Jones"]}}}', employees)).toBe(false);
  });

  it('sees through nested arrays', () => {
    const nested = '{"employees":[[{"first":"John","last":"Doe"}],[{"first":"Anna","last":"Smith"}]]}';
    expect(matches('{"detail":{"employees":{"first":["Anna"],"last":["Smith"]}}}', nested)).toBe(true);
    expect(matches('{"detail":{"employees":{"first":["Anna"],"last":["Doe"]}}}', nested)).toBe(false);
  });

  it('lets fields outside the array combine with any element', () => {
    const detail = '{"team":"a","employees":[{"first":"John"},{"first":"Anna"}]}';
    expect(matches('{"detail":{"team":["a"],"employees":{"first":["Anna"]}}}', detail)).toBe(true);
  });

  it('judges exists:false among the elements already committed to, in path order', () => {
    // "items.a-name" sorts before "items.sku": once element 0 is chosen, element 1's sku is irrelevant.
    const detail = '{"items":[{"a-name":"x"},{"a-name":"y","sku":"s-1"}]}';
    expect(matches('{"detail":{"items":{"a-name":["x"],"sku":[{"exists":false}]}}}', detail)).toBe(true);
    expect(matches('{"detail":{"items":{"a-name":["y"],"sku":[{"exists":false}]}}}', detail)).toBe(false);
  });
});

describe('numbers compare as numbers', () => {
  it.each([
    ['300', true],
    ['300.0', true],
    ['3e2', true],
    ['3.000E+2', true],
    ['"300"', false],
    ['300.000001', false],
  ])('[300] against %s', (value, expected) => {
    expect(matches('{"detail":{"n":[300]}}', `{"n":${value}}`)).toBe(expected);
  });

  it('still matches numbers beyond the comparable range by their exact spelling', () => {
    expect(matches('{"detail":{"account":[123456789012]}}', '{"account":123456789012}')).toBe(true);
    expect(matches('{"detail":{"account":[123456789012]}}', '{"account":123456789012.0}')).toBe(false);
  });

  it('never matches a range with a value AWS cannot compare (beyond ±5e9 or six decimals)', () => {
    expect(matches('{"detail":{"n":[{"numeric":[">",0]}]}}', '{"n":6000000000}')).toBe(false);
    expect(matches('{"detail":{"n":[{"numeric":[">",0]}]}}', '{"n":0.0000001}')).toBe(false);
    expect(matches('{"detail":{"n":[{"numeric":[">",0]}]}}', '{"n":4999999999.999999}')).toBe(true);
  });

  it('excludes numbers from anything-but by value, and only numbers', () => {
    const pattern = '{"detail":{"n":[{"anything-but":[100,200]}]}}';
    expect(matches(pattern, '{"n":100.0}')).toBe(false);
    expect(matches(pattern, '{"n":"100"}')).toBe(true);
    expect(matches(pattern, '{"n":null}')).toBe(true);
    expect(matches(pattern, '{"n":150}')).toBe(true);
  });
});

describe('values of one kind never match operators of another', () => {
  it.each([
    ['prefix against a number', '{"detail":{"v":[{"prefix":"12"}]}}', '{"v":123}', false],
    [
      'equals-ignore-case against true',
      '{"detail":{"v":[{"equals-ignore-case":"TRUE"}]}}',
      '{"v":true}',
      false,
    ],
    ['a string literal against a boolean', '{"detail":{"v":["true"]}}', '{"v":true}', false],
    ['true against a boolean', '{"detail":{"v":[true]}}', '{"v":true}', true],
    ['exists against null', '{"detail":{"v":[{"exists":true}]}}', '{"v":null}', true],
    ['exists against an object', '{"detail":{"v":[{"exists":true}]}}', '{"v":{"w":1}}', false],
    ['anything-but a string against a number', '{"detail":{"v":[{"anything-but":"1"}]}}', '{"v":1}', true],
  ])('%s', (_title, pattern, detail, expected) => {
    expect(matches(pattern, detail)).toBe(expected);
  });
});

describe('strings that are IP addresses compare as addresses', () => {
  it('matches another spelling of the same address', () => {
    expect(matches('{"detail":{"ip":["::1"]}}', '{"ip":"0:0:0:0:0:0:0:1"}')).toBe(true);
    // An IPv4-mapped IPv6 address is the IPv4 address.
    expect(matches('{"detail":{"ip":["::ffff:a00:1"]}}', '{"ip":"10.0.0.1"}')).toBe(true);
    expect(matches('{"detail":{"ip":["10.0.0.1"]}}', '{"ip":"10.0.0.2"}')).toBe(false);
  });

  it('starts a cidr range at the address as written', () => {
    // AWS does not clear host bits: 10.0.0.128/24 covers 10.0.0.128-10.0.0.255 only.
    expect(matches('{"detail":{"ip":[{"cidr":"10.0.0.128/24"}]}}', '{"ip":"10.0.0.200"}')).toBe(true);
    expect(matches('{"detail":{"ip":[{"cidr":"10.0.0.128/24"}]}}', '{"ip":"10.0.0.5"}')).toBe(false);
  });
});

describe('ignoring case accepts the lower- or upper-case form of each pattern character', () => {
  it.each([
    ['ß against SS', '{"detail":{"v":[{"equals-ignore-case":"straße"}]}}', '{"v":"STRASSE"}', true],
    ['ß against ß', '{"detail":{"v":[{"equals-ignore-case":"STRASSE"}]}}', '{"v":"straße"}', false],
    [
      'prefix with non-ASCII',
      '{"detail":{"v":[{"prefix":{"equals-ignore-case":"ÉTÉ"}}]}}',
      '{"v":"été 2024"}',
      true,
    ],
    [
      'suffix of the wrong length',
      '{"detail":{"v":[{"suffix":{"equals-ignore-case":"abc"}}]}}',
      '{"v":"bc"}',
      false,
    ],
  ])('%s', (_title, pattern, detail, expected) => {
    expect(matches(pattern, detail)).toBe(expected);
  });
});

describe('matching needs a valid event', () => {
  it('throws InvalidEventError instead of answering for an event lacking its envelope', () => {
    const pattern = compilePattern('{"detail":{"v":["x"]}}');
    expect(() => pattern.matches('{"detail":{"v":"x"}}')).toThrow(InvalidEventError);
  });
});
