import { describe, expect, it } from 'vitest';
import { jsonSchemaContract } from '../../../shared/domain/events/json-schema-contract.ts';
import { registrySchema, registrySchemaName } from '../../../shared/domain/events/registry-schema.ts';

const file = 'contracts/market.lottery/DrawEntered.json';
const contract = (schema: Record<string, unknown>) =>
  jsonSchemaContract('market.lottery', 'DrawEntered', { type: 'object', ...schema }, file);

describe('a contract in the schema registry', () => {
  it('is the whole event in draft 4, the detail converted and the envelope named for code bindings', () => {
    const schema = registrySchema(
      contract({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        properties: {
          coins: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 1000 },
          kind: { const: 'coins' },
          round: { $ref: '#/$defs/round' },
        },
        $defs: { round: { type: 'integer', examples: [3] } },
        required: ['coins'],
      }),
    );

    expect(registrySchemaName({ source: 'market.lottery', detailType: 'DrawEntered' })).toBe(
      'market.lottery@DrawEntered',
    );
    expect(schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-04/schema#',
      'x-amazon-events-source': 'market.lottery',
      'x-amazon-events-detail-type': 'DrawEntered',
      required: ['detail-type', 'source', 'detail'],
      properties: { source: { enum: ['market.lottery'] }, 'detail-type': { enum: ['DrawEntered'] } },
    });
    expect(schema.properties.detail).toEqual({
      type: 'object',
      properties: {
        coins: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 1000, exclusiveMaximum: true },
        kind: { enum: ['coins'] },
        round: { $ref: '#/definitions/round' },
      },
      definitions: { round: { type: 'integer' } },
      required: ['coins'],
    });
  });

  it('refuses a keyword draft 4 cannot say, naming the file and path', () => {
    const tagged = contract({ properties: { tags: { type: 'array', contains: { const: 'vip' } } } });

    expect(() => registrySchema(tagged)).toThrow(
      `${file}: $.properties.tags.contains: has no JSON Schema draft 4 equivalent`,
    );
  });
});
