import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ValidationError } from '../errors.ts';
import type { DetailContract, JsonSchema } from './contract-catalog.ts';

// ajv-formats is CommonJS: under Node's ESM its function is the default export's `default`.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/**
 * One ajv for every contract: strict, so a misspelt keyword (`minLenght`) or a `required` field
 * the schema never declares is refused when the contract loads instead of silently accepting
 * everything; defaults are applied, as the compiled contracts apply theirs.
 */
const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: false, useDefaults: true });
addFormats(ajv);

const validators = new Map<string, ValidateFunction>();

/**
 * Compiled once per content, not per `$id`: two sets may declare the same event differently,
 * and ajv keeps every schema it compiles (by object), so a set loaded again must not add more.
 */
const compiled = (schema: JsonSchema): ValidateFunction => {
  const { $id: _id, ...anonymous } = schema;
  const key = JSON.stringify(anonymous);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(anonymous);
    validators.set(key, validate);
  }
  return validate;
};

/** A JSON Pointer (`/items/2/price`) as a path a person reads: `detail.items[2].price`. */
const pathOf = (prefix: string, pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, key) => (/^\d+$/.test(key) ? `${path}[${key}]` : `${path}.${key}`), prefix);

/** The first of ajv's errors as Herald's: the offending field and the reason. */
const validationError = (prefix: string, error: ErrorObject): ValidationError => {
  const at = pathOf(prefix, error.instancePath);
  if (error.keyword === 'required')
    return new ValidationError(`${at}.${error.params.missingProperty}`, 'required, but missing');
  if (error.keyword === 'additionalProperties')
    return new ValidationError(
      `${at}.${error.params.additionalProperty}`,
      'not in the contract, which allows no other field',
    );
  return new ValidationError(at, error.message ?? `breaks "${error.keyword}"`);
};

/**
 * A contract written as a JSON Schema (draft 2020-12) file. The schema itself is checked first:
 * against the draft's meta-schema (errors name the JSON path in the file), then by ajv's strict
 * compiler; a detail contract describes an object, so its top level must say `"type": "object"`.
 *
 * @example jsonSchemaContract('market.items', 'ItemListed', schema, 'contracts/market.items/ItemListed.json')
 */
export const jsonSchemaContract = (
  source: string,
  detailType: string,
  schema: JsonSchema,
  file: string,
): DetailContract => {
  if (!ajv.validateSchema(schema)) {
    const error = ajv.errors![0]!;
    throw new ValidationError(`${file}: ${pathOf('$', error.instancePath)}`, error.message ?? 'invalid');
  }
  if (schema.type !== 'object')
    throw new ValidationError(`${file}: $.type`, 'a detail contract describes an object: "type": "object"');
  let validate: ValidateFunction;
  try {
    validate = compiled(schema);
  } catch (error) {
    throw new ValidationError(`${file}: $`, (error as Error).message);
  }
  return {
    source,
    detailType,
    schema,
    file,
    check: (detail, prefix = 'detail') => {
      // ajv applies defaults in place: the caller's value stays as it was sent.
      const copy = structuredClone(detail);
      if (!validate(copy)) throw validationError(prefix, validate.errors![0]!);
      return copy as Record<string, unknown>;
    },
  };
};
