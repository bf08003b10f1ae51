import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/domain/errors.ts';
import { jsonSchemaContract } from '../../../shared/domain/events/json-schema-contract.ts';

const drawCompleted = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    drawId: { type: 'string', minLength: 1 },
    winners: { type: 'integer', minimum: 1 },
    channel: { type: 'string', default: 'app' },
    drawnAt: { type: 'string', format: 'date-time' },
    prizes: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
  },
  required: ['drawId', 'winners'],
  additionalProperties: false,
};
const file = 'contracts/market.lottery/DrawCompleted.json';
const contract = jsonSchemaContract('market.lottery', 'DrawCompleted', drawCompleted, file);

describe('a JSON Schema contract', () => {
  it('accepts a valid detail and applies defaults to a copy, not to what was sent', () => {
    const sent = { drawId: 'd-1', winners: 2 };

    expect(contract.check(sent)).toEqual({ drawId: 'd-1', winners: 2, channel: 'app' });
    expect(sent).toEqual({ drawId: 'd-1', winners: 2 });
  });

  it.each([
    [{ winners: 2 }, 'detail.drawId: required, but missing'],
    [{ drawId: 'd', winners: 0 }, 'detail.winners: must be >= 1'],
    [{ drawId: 'd', winners: 1, drawnAt: 'yesterday' }, 'detail.drawnAt: must match format "date-time"'],
    [
      { drawId: 'd', winners: 1, prize: 'x' },
      'detail.prize: not in the contract, which allows no other field',
    ],
    [{ drawId: 'd', winners: 1, prizes: [{ name: 3 }] }, 'detail.prizes[0].name: must be string'],
  ])('refuses %j naming the field: %s', (detail, message) => {
    expect(() => contract.check(detail)).toThrow(ValidationError);
    expect(() => contract.check(detail)).toThrow(message);
  });

  it.each([
    [{ type: 'object', properties: { a: { type: 'strnig' } } }, `${file}: $.properties.a.type`],
    [
      { type: 'object', properties: { a: { minLenght: 1 } } },
      `${file}: $: strict mode: unknown keyword: "minLenght"`,
    ],
    [{ type: 'object', required: ['a'] }, `${file}: $: strict mode: required property "a" is not defined`],
    [{ type: 'array' }, `${file}: $.type: a detail contract describes an object`],
  ])('refuses a broken schema %j, naming the file and path', (schema, message) => {
    expect(() => jsonSchemaContract('market.lottery', 'DrawCompleted', schema, file)).toThrow(message);
  });
});
