import { InvalidEventPatternError, JsonSyntaxError } from './errors.ts';
import { ipToHex, parseCidr } from './ip.ts';
import { JsonReader, type JsonToken, tokenText } from './json-text.ts';
import { type Branch, type FieldCondition, matchesAnyBranch } from './match.ts';
import * as m from './matchers.ts';
import { MAX_MICROS, MIN_MICROS, toComparable } from './numbers.ts';
import { checkWildcardComplexity } from './pattern-complexity.ts';
import { type ParsedEvent, validateEventEnvelope } from './validate.ts';
import { parseWildcard, type WildcardPattern } from './wildcard.ts';

/** A pattern validated and compiled once, ready to be matched against many events. */
export interface CompiledPattern {
  /** The pattern text it was compiled from. */
  readonly source: string;
  /**
   * The pattern in disjunctive form: one branch per combination of `$or` alternatives. A branch
   * lists its fields sorted by path; the event matches when every field of some branch matches.
   */
  readonly branches: readonly Branch[];
  /**
   * Whether the event matches. A string is parsed and its envelope validated first (throwing
   * `InvalidEventError`); pass a {@link ParsedEvent} to share one parse between many patterns.
   */
  matches(event: string | ParsedEvent): boolean;
}

/**
 * Validates and compiles an EventBridge event pattern, throwing {@link InvalidEventPatternError}
 * with AWS's reason for every pattern AWS would reject.
 */
export function compilePattern(patternJson: string): CompiledPattern {
  let branches: Branch[];
  try {
    branches = new PatternCompiler(patternJson).compile();
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InvalidEventPatternError(error.message);
    throw error;
  }
  checkWildcardComplexity(branches);
  return {
    source: patternJson,
    branches,
    matches(event) {
      const parsed = typeof event === 'string' ? validateEventEnvelope(event) : event;
      return matchesAnyBranch(branches, parsed.flat);
    },
  };
}

/** A field's value list as written: the matchers, plus whether `{"exists": false}` is among them. */
interface FieldSpec {
  readonly matchers: readonly m.ValueMatcher[];
  readonly absence: boolean;
}
type Rule = Map<string, FieldSpec>;

// Field names that would be read as operators, and so are refused inside `$or`.
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  'html',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const ONE_KEY = 'Only one key allowed in match expression';
const TOO_MANY = 'Too many elements in numeric expression';

/**
 * Walks the pattern token by token in document order and stops at the first problem, so that the
 * reason reported is the one AWS reports when a pattern has several.
 */
class PatternCompiler {
  private readonly reader: JsonReader;

  constructor(text: string) {
    this.reader = new JsonReader(text);
  }

  compile(): Branch[] {
    if (this.next().kind !== 'start-object') this.fail('Filter is not an object');
    const rules: Rule[] = [];
    this.parseObject(rules, [], false);
    return rules.map(toBranch);
  }

  private next(): JsonToken {
    return this.reader.next();
  }

  private fail(reason: string): never {
    throw new InvalidEventPatternError(reason);
  }

  private parseObject(rules: Rule[], path: string[], insideOr: boolean): void {
    let fieldsPresent = false;
    for (let token = this.next(); token.kind !== 'end-object'; token = this.next()) {
      if (token.kind !== 'field-name') this.fail('Expected a field name');
      fieldsPresent = true;
      const name = token.name;
      if (name === '$or') {
        this.parseOr(rules, path);
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(name)) {
        this.fail(`${name} is Ruler reserved fieldName which cannot be used inside $or.`);
      }
      const value = this.next();
      if (value.kind === 'start-object') {
        path.push(name);
        this.parseObject(rules, path, insideOr);
        path.pop();
      } else if (value.kind === 'start-array') {
        this.parseValueList(rules, [...path, name].join('.'));
      } else {
        this.fail(`"${name}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) this.fail('Empty objects are not allowed');
  }

  // Each alternative continues every branch built so far, so `$or` multiplies branches out.
  private parseOr(rules: Rule[], path: string[]): void {
    const before = rules.map((rule) => new Map(rule));
    rules.length = 0;
    if (this.next().kind !== 'start-array') this.fail('It must be an Array followed with $or.');
    let alternatives = 0;
    for (let token = this.next(); token.kind !== 'end-array'; token = this.next()) {
      alternatives++;
      if (token.kind !== 'start-object')
        this.fail('Only JSON object is allowed in array of $or relationship.');
      const forked = before.length === 0 ? [new Map()] : before.map((rule) => new Map(rule));
      this.parseObject(forked, path, true);
      rules.push(...forked);
    }
    if (alternatives < 2) this.fail('There must have at least 2 Objects in $or relationship.');
  }

  private parseValueList(rules: Rule[], fieldPath: string): void {
    const matchers: m.ValueMatcher[] = [];
    let absence = false;
    for (let token = this.next(); token.kind !== 'end-array'; token = this.next()) {
      switch (token.kind) {
        case 'start-object': {
          const matcher = this.parseMatchExpression();
          if (matcher === 'absent') absence = true;
          else matchers.push(matcher);
          break;
        }
        case 'string': {
          const hex = ipToHex(token.value);
          matchers.push(hex === undefined ? m.exactString(token.value) : m.exactIp(token.value, hex));
          break;
        }
        case 'number': {
          const comparable = toComparable(token.text);
          matchers.push(m.exactNumber(token.text, 'micros' in comparable ? comparable.micros : undefined));
          break;
        }
        case 'true':
        case 'false':
        case 'null':
          matchers.push(m.exactLiteral(token.kind));
          break;
        default:
          this.fail('Match value must be String, number, true, false, or null');
      }
    }
    if (matchers.length === 0 && !absence) this.fail('Empty arrays are not allowed');
    if (rules.length === 0) rules.push(new Map());
    // A repeated key replaces the earlier one, as AWS documents.
    for (const rule of rules) rule.set(fieldPath, { matchers, absence });
  }

  private parseMatchExpression(): m.ValueMatcher | 'absent' {
    const token = this.next();
    if (token.kind !== 'field-name') this.fail('Match expression name not found');
    switch (token.name) {
      case 'prefix':
        return this.parsePrefixOrSuffix('prefix');
      case 'suffix':
        return this.parsePrefixOrSuffix('suffix');
      case 'numeric': {
        if (this.next().kind !== 'start-array') this.fail('Value of numeric must be an array.');
        const matcher = this.parseNumeric();
        this.expectEndObject(TOO_MANY);
        return matcher;
      }
      case 'anything-but':
        return this.parseAnythingBut();
      case 'exists': {
        const value = this.next().kind;
        if (value !== 'true' && value !== 'false')
          this.fail('exists match pattern must be either true or false.');
        this.expectEndObject(ONE_KEY);
        return value === 'true' ? m.exists() : 'absent';
      }
      case 'cidr': {
        // AWS's reason really does say "prefix" here.
        const value = this.expectString('prefix match pattern must be a string');
        const range = parseCidr(value);
        if ('reason' in range) this.fail(range.reason);
        this.expectEndObject(ONE_KEY);
        return m.cidr(range);
      }
      case 'equals-ignore-case': {
        const value = this.expectString('equals-ignore-case match pattern must be a string');
        this.expectEndObject(ONE_KEY);
        return m.equalsIgnoreCase(value);
      }
      case 'wildcard': {
        const pattern = this.wildcardOf(this.expectString('wildcard match pattern must be a string'));
        this.expectEndObject(ONE_KEY);
        return m.wildcard(pattern);
      }
      default:
        return this.fail(`Unrecognized match type ${token.name}`);
    }
  }

  private parsePrefixOrSuffix(kind: 'prefix' | 'suffix'): m.ValueMatcher {
    const token = this.next();
    if (token.kind === 'start-object') {
      const op = this.next();
      const label = kind === 'prefix' ? 'Prefix' : 'Suffix';
      if (op.kind !== 'field-name') this.fail(`${label} expression name not found`);
      if (op.name !== 'equals-ignore-case') this.fail(`Unsupported ${kind} pattern: ${op.name}`);
      const value = this.expectString('equals-ignore-case match pattern must be a string');
      this.expectEndObject(ONE_KEY);
      this.expectEndObject(ONE_KEY);
      return kind === 'prefix' ? m.prefixIgnoreCase(value) : m.suffixIgnoreCase(value);
    }
    if (token.kind !== 'string') this.fail(`${kind} match pattern must be a string`);
    this.expectEndObject(ONE_KEY);
    return kind === 'prefix' ? m.prefix(token.value) : m.suffix(token.value);
  }

  private parseAnythingBut(): m.ValueMatcher {
    let variant: 'plain' | 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard' = 'plain';
    let token = this.next();
    if (token.kind === 'start-object') {
      const op = this.next();
      if (op.kind !== 'field-name') this.fail('Anything-But expression name not found');
      if (
        op.name !== 'equals-ignore-case' &&
        op.name !== 'prefix' &&
        op.name !== 'suffix' &&
        op.name !== 'wildcard'
      ) {
        this.fail(`Unsupported anything-but pattern: ${op.name}`);
      }
      variant = op.name;
      token = this.next();
    }
    if (token.kind !== 'start-array' && token.kind !== 'string' && token.kind !== 'number') {
      this.fail('Value of anything-but must be an array or single string/number value.');
    }
    const matcher =
      variant === 'plain' ? this.anythingButValues(token) : this.anythingButOperands(token, variant);
    this.expectEndObject(TOO_MANY);
    if (variant !== 'plain') this.expectEndObject(TOO_MANY);
    return matcher;
  }

  private anythingButValues(first: JsonToken): m.ValueMatcher {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    const take = (token: JsonToken, reasonForOther: string): void => {
      if (token.kind === 'string') strings.add(token.value);
      else if (token.kind === 'number') numbers.add(this.micros(token.text));
      else this.fail(reasonForOther);
    };
    if (first.kind === 'start-array') {
      for (let token = this.next(); token.kind !== 'end-array'; token = this.next()) {
        take(token, 'Inside anything but list, start|null|boolean is not supported.');
      }
      if (strings.size > 0 === numbers.size > 0) {
        this.fail(
          'Inside anything but list, either all values are number or string, mixed type is not supported',
        );
      }
    } else {
      take(first, 'Inside anything-but list, start|null|boolean is not supported.');
    }
    return strings.size > 0 ? m.anythingButStrings(strings) : m.anythingButNumbers(numbers);
  }

  private anythingButOperands(
    first: JsonToken,
    variant: 'equals-ignore-case' | 'prefix' | 'suffix' | 'wildcard',
  ): m.ValueMatcher {
    const values: string[] = [];
    const take = (token: JsonToken): void => {
      if (token.kind !== 'string') {
        if (variant === 'equals-ignore-case') {
          this.fail(
            'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
          );
        }
        this.fail(
          variant === 'wildcard'
            ? 'wildcard match pattern must be a string'
            : 'prefix/suffix match pattern must be a string',
        );
      }
      if ((variant === 'prefix' || variant === 'suffix') && token.value === '')
        this.fail('Null prefix/suffix not allowed');
      values.push(token.value);
    };
    if (first.kind === 'start-array') {
      for (let token = this.next(); token.kind !== 'end-array'; token = this.next()) take(token);
    } else {
      take(first);
    }
    switch (variant) {
      case 'equals-ignore-case':
        return m.anythingButIgnoreCase(values);
      case 'prefix':
        return m.anythingButPrefix(values);
      case 'suffix':
        return m.anythingButSuffix(values);
      case 'wildcard':
        return m.anythingButWildcard(values.map((v) => this.wildcardOf(v)));
    }
  }

  private parseNumeric(): m.ValueMatcher {
    const opToken = this.next();
    if (opToken.kind !== 'string') this.fail(`Invalid member in numeric match: ${tokenText(opToken)}`);
    const op = opToken.value;
    const operand = this.next();
    switch (op) {
      case '=': {
        if (operand.kind !== 'number') this.fail('Value of equals must be numeric');
        if (this.next().kind !== 'end-array') this.fail(TOO_MANY);
        return m.numericEquals(this.micros(operand.text));
      }
      case '>':
      case '>=': {
        if (operand.kind !== 'number') this.fail(`Value of ${op} must be numeric`);
        const after = this.next();
        if (after.kind === 'end-array') return this.range(operand.text, op === '>', undefined, false);
        if (after.kind !== 'string') this.fail(`Bad value in numeric range: ${tokenText(after)}`);
        const upperOp = after.value;
        if (upperOp !== '<' && upperOp !== '<=') this.fail(`Bad numeric range operator: ${upperOp}`);
        const upper = this.next();
        if (upper.kind !== 'number') this.fail(`Value of ${upperOp} must be numeric`);
        if (this.next().kind !== 'end-array') this.fail('Too many terms in numeric range expression');
        return this.range(operand.text, op === '>', upper.text, upperOp === '<');
      }
      case '<':
      case '<=': {
        if (operand.kind !== 'number') this.fail(`Value of ${op} must be numeric`);
        if (this.next().kind !== 'end-array') this.fail(TOO_MANY);
        return this.range(undefined, false, operand.text, op === '<');
      }
      default:
        return this.fail(`Unrecognized numeric range operator: ${op}`);
    }
  }

  // An open end of a range stops at ±5e9, so `> 5e9` is an empty range and refused as such.
  private range(
    lower: string | undefined,
    lowerOpen: boolean,
    upper: string | undefined,
    upperOpen: boolean,
  ): m.ValueMatcher {
    const lowerValue = lower === undefined ? -5e9 : Number(lower);
    const upperValue = upper === undefined ? 5e9 : Number(upper);
    if (lowerValue >= upperValue) this.fail('Bottom must be less than top');
    return m.numericRange(
      { micros: lower === undefined ? MIN_MICROS : this.micros(lower), open: lowerOpen },
      { micros: upper === undefined ? MAX_MICROS : this.micros(upper), open: upperOpen },
    );
  }

  private micros(text: string): number {
    const comparable = toComparable(text);
    if ('reason' in comparable) this.fail(comparable.reason);
    return comparable.micros;
  }

  private wildcardOf(source: string): WildcardPattern {
    const pattern = parseWildcard(source);
    if ('reason' in pattern) this.fail(pattern.reason);
    return pattern;
  }

  private expectString(reason: string): string {
    const token = this.next();
    if (token.kind !== 'string') this.fail(reason);
    return token.value;
  }

  private expectEndObject(reason: string): void {
    if (this.next().kind !== 'end-object') this.fail(reason);
  }
}

function toBranch(rule: Rule): Branch {
  const fields: FieldCondition[] = [];
  for (const [path, spec] of rule)
    fields.push({ path, matchers: spec.matchers, matchesAbsence: spec.absence });
  // EventBridge evaluates fields in path order; absence checks depend on what matched before.
  return fields.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
