import { ValidationError } from '../errors.ts';
import type { DetailContract, JsonSchema } from './contract-catalog.ts';

/**
 * Keywords of draft 2020-12 that draft 4 lacks and that have no draft-4 spelling: a contract
 * using one cannot be published as it validates, so it is refused rather than published looser.
 */
const NO_DRAFT4 = [
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'dependentSchemas',
  '$dynamicRef',
  '$anchor',
];

/** A draft 2020-12 (sub)schema in draft 4's words. `at` is its JSON path, for errors. */
const toDraft4 = (node: unknown, at: string): unknown => {
  if (Array.isArray(node)) return node.map((item, i) => toDraft4(item, `${at}[${i}]`));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as JsonSchema)) {
    if (NO_DRAFT4.includes(key))
      throw new ValidationError(
        `${at}.${key}`,
        'has no JSON Schema draft 4 equivalent, which the schema registry takes',
      );
    if (key === '$schema' || key === '$id' || key.startsWith('x-herald-')) continue;
    if (key === 'const') out.enum = [value];
    else if (key === 'exclusiveMinimum' || key === 'exclusiveMaximum') {
      // Draft 4: a boolean beside minimum/maximum; 2020-12: the bound itself.
      out[key === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = value;
      out[key] = true;
    } else if (key === '$defs') out.definitions = toDraft4(value, `${at}.$defs`);
    else if (key === '$ref' && typeof value === 'string')
      out.$ref = value.replace('#/$defs/', '#/definitions/');
    else if (key === 'prefixItems') out.items = toDraft4(value, `${at}.prefixItems`);
    else if (key === 'dependentRequired') out.dependencies = value;
    else if (key === 'examples') continue;
    else
      out[key] =
        key === 'properties' || key === 'definitions' || key === 'patternProperties'
          ? Object.fromEntries(
              Object.entries(value as JsonSchema).map(([k, v]) => [k, toDraft4(v, `${at}.${key}.${k}`)]),
            )
          : toDraft4(value, `${at}.${key}`);
  }
  return out;
};

/** The schema's name in the registry: `<source>@<DetailType>`, as EventBridge names discovered schemas. */
export const registrySchemaName = (contract: Pick<DetailContract, 'source' | 'detailType'>): string =>
  `${contract.source}@${contract.detailType}`;

/**
 * A contract as the EventBridge Schema Registry takes it (type `JSONSchemaDraft4`): the whole
 * event as a target receives it, the detail being the contract's schema converted to draft 4,
 * with the `x-amazon-events-*` names code bindings are generated from. Throws a ValidationError
 * naming the contract's file and path when a keyword has no draft-4 spelling.
 *
 * @example registrySchema(contract).properties.detail // the detail's draft-4 schema
 */
export const registrySchema = (contract: DetailContract): JsonSchema & { properties: JsonSchema } => {
  let detail: unknown;
  try {
    detail = toDraft4(contract.schema, '$');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(`${contract.file}: ${error.field}`, error.reason);
  }
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: contract.detailType,
    'x-amazon-events-source': contract.source,
    'x-amazon-events-detail-type': contract.detailType,
    type: 'object',
    required: ['detail-type', 'source', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [contract.detailType] },
      source: { type: 'string', enum: [contract.source] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail,
    },
  };
};
