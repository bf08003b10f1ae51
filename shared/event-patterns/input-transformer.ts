import { InvalidEventError, InvalidInputTransformerError, JsonSyntaxError } from './errors.ts';
import { evaluateJsonPath, parseJsonPath } from './json-path.ts';
import { fromPlainValue, type JsonObject, type JsonValue, parseJson, stringifyJson } from './json-text.ts';
import { ParsedEvent } from './validate.ts';

/**
 * An EventBridge target's `InputTransformer`, in the shape aws-cdk-lib renders it
 * (`RuleTargetInput.fromObject/fromText` become `InputPathsMap` + `InputTemplate`).
 */
export interface InputTransformer {
  /** Variable name → JSONPath into the event (`$`, `$.detail.x`, `$.resources[0]`). */
  readonly inputPathsMap?: Readonly<Record<string, string>>;
  /** The text to deliver, with `<variable>` placeholders. */
  readonly inputTemplate: string;
}

/** What EventBridge knows about the delivery besides the event itself. */
export interface InputTransformerContext {
  /** Value of `<aws.events.rule-name>`. */
  readonly ruleName?: string;
  /** Value of `<aws.events.rule-arn>`. */
  readonly ruleArn?: string;
  /** Value of `<aws.events.event.ingestion-time>`; defaults to now. */
  readonly ingestionTime?: Date | string;
}

const VARIABLE_NAME = /^[A-Za-z0-9_-]+$/;
const PLACEHOLDER = /<([A-Za-z0-9_.-]+)>/y;

/**
 * Renders what EventBridge delivers to a target with an input transformer:
 *
 * - a variable outside quotes is inserted as JSON (strings quoted and escaped, objects as JSON);
 * - inside a JSON string, a string is inserted escaped, and an object or array loses its quotes
 *   (`"Detail is <detail>"` → `"Detail is {key:value}"`), as AWS documents;
 * - a variable whose path is not in the event becomes `null` outside quotes and nothing inside;
 * - `<aws.events.event>` is the event without `detail`, `<aws.events.event.json>` the whole event;
 * - output that is JSON is delivered minified.
 *
 * Placeholders naming no variable are left as they are.
 */
export function applyInputTransformer(
  transformer: InputTransformer,
  event: string | ParsedEvent | object,
  context: InputTransformerContext = {},
): string {
  const root = eventRoot(event);
  const variables = resolveVariables(transformer.inputPathsMap ?? {}, root, context);
  const rendered = render(transformer.inputTemplate, variables);
  return minifyIfJson(rendered);
}

function eventRoot(event: string | ParsedEvent | object): JsonObject {
  if (event instanceof ParsedEvent) return event.root;
  let root: JsonValue | undefined;
  try {
    root = typeof event === 'string' ? parseJson(event) : fromPlainValue(event);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InvalidEventError(`Event is not JSON: ${error.message}`);
    throw error;
  }
  if (root?.type !== 'object') throw new InvalidEventError('Event is not a JSON object');
  return root;
}

function resolveVariables(
  paths: Readonly<Record<string, string>>,
  root: JsonObject,
  context: InputTransformerContext,
): Map<string, JsonValue | undefined> {
  const variables = new Map<string, JsonValue | undefined>();
  for (const [name, path] of Object.entries(paths)) {
    if (!VARIABLE_NAME.test(name)) {
      throw new InvalidInputTransformerError(
        `InputPathsMap key ${JSON.stringify(name)} is not a valid variable name`,
      );
    }
    const steps = parseJsonPath(path);
    if (steps === undefined)
      throw new InvalidInputTransformerError(`InputPathsMap path ${JSON.stringify(path)} is not supported`);
    variables.set(name, evaluateJsonPath(root, steps));
  }
  const text = (value: string | undefined): JsonValue | undefined =>
    value === undefined ? undefined : { type: 'string', value };
  const ingestion = context.ingestionTime ?? new Date();
  const withoutDetail = new Map(root.members);
  withoutDetail.delete('detail');
  variables.set('aws.events.rule-name', text(context.ruleName));
  variables.set('aws.events.rule-arn', text(context.ruleArn));
  variables.set(
    'aws.events.event.ingestion-time',
    text(typeof ingestion === 'string' ? ingestion : ingestion.toISOString()),
  );
  variables.set('aws.events.event', { type: 'object', members: withoutDetail });
  variables.set('aws.events.event.json', root);
  return variables;
}

// Scans the template once, tracking whether we are inside a JSON string, because a value is
// written differently there.
function render(template: string, variables: ReadonlyMap<string, JsonValue | undefined>): string {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '<') {
      PLACEHOLDER.lastIndex = i;
      const match = PLACEHOLDER.exec(template);
      const name = match?.[1];
      if (match !== null && name !== undefined && variables.has(name)) {
        const value = variables.get(name);
        out += inString ? insideString(value) : asJson(value);
        i += match[0].length;
        continue;
      }
    }
    if (inString && ch === '\\') {
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
    i++;
  }
  return out;
}

function asJson(value: JsonValue | undefined): string {
  return value === undefined ? 'null' : stringifyJson(value);
}

function insideString(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  switch (value.type) {
    case 'string':
      return JSON.stringify(value.value).slice(1, -1);
    case 'object':
    case 'array':
      return stringifyJson(value).replaceAll('"', '');
    default:
      return stringifyJson(value);
  }
}

function minifyIfJson(text: string): string {
  try {
    const value = parseJson(text, { strict: true });
    return value === undefined ? text : stringifyJson(value);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return text;
    throw error;
  }
}
