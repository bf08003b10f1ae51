import { describe, expect, it } from 'vitest';
import {
  ENVELOPE_FIELDS,
  InvalidEventError,
  ParsedEvent,
  validateEventEnvelope,
} from '../../../shared/event-patterns/index.ts';

const complete: Record<string, unknown> = {
  version: '0',
  id: 'e-1',
  'detail-type': 'Order Placed',
  source: 'shop',
  account: '123456789012',
  time: '2024-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { total: 12.5 },
};

describe('validateEventEnvelope', () => {
  it('accepts an event carrying the six mandatory fields and returns it parsed', () => {
    const parsed = validateEventEnvelope(JSON.stringify(complete));
    expect(parsed).toBeInstanceOf(ParsedEvent);
    expect(parsed.flat.fields.get('detail.total')?.[0]?.text).toBe('12.5');
  });

  it.each(ENVELOPE_FIELDS.map((field) => [field]))('rejects an event without %s', (field) => {
    const { [field]: _removed, ...rest } = complete;
    const error = (() => {
      try {
        validateEventEnvelope(JSON.stringify(rest));
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).message).toBe('Parameter Event is not valid.');
    expect((error as InvalidEventError).detail).toContain(field);
  });

  it.each([
    ['plain text', 'plain string'],
    ['a JSON array', '["plain string"]'],
    ['a JSON string', '"{}"'],
    ['truncated JSON', '{"id": "1"'],
    ['nothing', ''],
  ])('rejects %s', (_title, text) => {
    expect(() => validateEventEnvelope(text)).toThrow(InvalidEventError);
  });

  it('does not check the type of envelope fields, as AWS does not', () => {
    expect(() =>
      validateEventEnvelope(JSON.stringify({ ...complete, 'detail-type': ['a', 'b'] })),
    ).not.toThrow();
  });

  it('accepts an object already parsed by JSON.parse', () => {
    expect(validateEventEnvelope(complete).toJson()).toBe(JSON.stringify(complete));
  });

  it('keeps number spelling when given text', () => {
    expect(validateEventEnvelope(JSON.stringify(complete).replace('12.5', '12.50')).toJson()).toContain(
      '"total":12.50',
    );
  });
});
