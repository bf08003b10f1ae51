import { JsonSyntaxError } from './errors.ts';

/**
 * A JSON value that keeps what `JSON.parse` throws away: the exact spelling of numbers
 * (EventBridge treats `300.0` and `300` differently in some places) and key order.
 */
export type JsonValue = JsonString | JsonNumber | JsonBoolean | JsonNull | JsonArray | JsonObject;
export interface JsonString {
  readonly type: 'string';
  readonly value: string;
}
export interface JsonNumber {
  readonly type: 'number';
  /** The number exactly as written in the source text. */
  readonly text: string;
}
export interface JsonBoolean {
  readonly type: 'boolean';
  readonly value: boolean;
}
export interface JsonNull {
  readonly type: 'null';
}
export interface JsonArray {
  readonly type: 'array';
  readonly items: readonly JsonValue[];
}
export interface JsonObject {
  readonly type: 'object';
  /** Duplicate keys keep the last value, as `JSON.parse` (and Jackson's tree model) do. */
  readonly members: ReadonlyMap<string, JsonValue>;
}

/** One token of the pull reader; mirrors Jackson's `JsonToken` so the pattern compiler can follow AWS's order. */
export type JsonToken =
  | { readonly kind: 'start-object' }
  | { readonly kind: 'end-object' }
  | { readonly kind: 'start-array' }
  | { readonly kind: 'end-array' }
  | { readonly kind: 'field-name'; readonly name: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'null' }
  | { readonly kind: 'end-of-input' };

const START_OBJECT: JsonToken = { kind: 'start-object' };
const END_OBJECT: JsonToken = { kind: 'end-object' };
const START_ARRAY: JsonToken = { kind: 'start-array' };
const END_ARRAY: JsonToken = { kind: 'end-array' };
const TRUE: JsonToken = { kind: 'true' };
const FALSE: JsonToken = { kind: 'false' };
const NULL: JsonToken = { kind: 'null' };
const END_OF_INPUT: JsonToken = { kind: 'end-of-input' };

/** The text Jackson's `getText()` would give for a token; AWS quotes it in some error reasons. */
export function tokenText(token: JsonToken): string {
  switch (token.kind) {
    case 'start-object':
      return '{';
    case 'end-object':
      return '}';
    case 'start-array':
      return '[';
    case 'end-array':
      return ']';
    case 'field-name':
      return token.name;
    case 'string':
      return token.value;
    case 'number':
      return token.text;
    case 'end-of-input':
      return '';
    default:
      return token.kind;
  }
}

// Where the reader stands inside each open container.
const State = {
  rootValue: 0,
  rootDone: 1,
  objectFirst: 2,
  objectColon: 3,
  objectAfterValue: 4,
  arrayFirst: 5,
  arrayAfterValue: 6,
} as const;
type ReaderState = (typeof State)[keyof typeof State];

const VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/**
 * Pull reader over JSON text. AWS validates patterns while streaming them with Jackson, so the
 * first problem in document order wins; pulling tokens lets the compiler reproduce that order,
 * and the error messages reuse Jackson's wording because AWS passes them through verbatim.
 *
 * Content after the first complete top-level value is ignored, as Jackson's streaming parser
 * (and therefore EventBridge) ignores it.
 */
export class JsonReader {
  private readonly text: string;
  private pos = 0;
  private readonly states: ReaderState[] = [State.rootValue];

  constructor(text: string) {
    this.text = text;
  }

  /** Reads the next token, throwing {@link JsonSyntaxError} with Jackson's wording on malformed input. */
  next(): JsonToken {
    const state = this.states[this.states.length - 1];
    const c = this.skipWhitespace();
    switch (state) {
      case State.rootValue:
        if (c < 0) return END_OF_INPUT;
        this.states[this.states.length - 1] = State.rootDone;
        return this.readValue(c);
      case State.rootDone:
        return END_OF_INPUT;
      case State.objectFirst:
        if (c === 0x7d) return this.close(END_OBJECT);
        if (c === 0x5d) this.fail("Unexpected close marker ']': expected '}'");
        return this.readFieldName(c);
      case State.objectColon:
        if (c !== 0x3a)
          this.unexpected(c, 'was expecting a colon to separate field name and value', 'Object');
        this.pos++;
        this.setState(State.objectAfterValue);
        return this.readValue(this.skipWhitespace());
      case State.objectAfterValue:
        if (c === 0x2c) {
          this.pos++;
          return this.readFieldName(this.skipWhitespace());
        }
        if (c === 0x7d) return this.close(END_OBJECT);
        if (c === 0x5d) this.fail("Unexpected close marker ']': expected '}'");
        return this.unexpected(c, 'was expecting comma to separate Object entries', 'Object');
      case State.arrayFirst:
        if (c === 0x5d) return this.close(END_ARRAY);
        if (c === 0x7d) this.fail("Unexpected close marker '}': expected ']'");
        this.setState(State.arrayAfterValue);
        return this.readValue(c);
      case State.arrayAfterValue:
        if (c === 0x2c) {
          this.pos++;
          return this.readValue(this.skipWhitespace());
        }
        if (c === 0x5d) return this.close(END_ARRAY);
        if (c === 0x7d) this.fail("Unexpected close marker '}': expected ']'");
        return this.unexpected(c, 'was expecting comma to separate Array entries', 'Array');
      default:
        return this.fail('Reader in an unknown state');
    }
  }

  /** Offset of the first character not yet consumed. */
  get offset(): number {
    return this.pos;
  }

  private setState(state: ReaderState): void {
    this.states[this.states.length - 1] = state;
  }

  private close(token: JsonToken): JsonToken {
    this.pos++;
    this.states.pop();
    return token;
  }

  private skipWhitespace(): number {
    const text = this.text;
    let pos = this.pos;
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.pos = pos;
    return pos < text.length ? text.charCodeAt(pos) : -1;
  }

  private readFieldName(c: number): JsonToken {
    if (c !== 0x22) this.unexpected(c, 'was expecting double-quote to start field name', 'Object');
    this.pos++;
    const name = this.readStringBody('name');
    this.setState(State.objectColon);
    return { kind: 'field-name', name };
  }

  private readValue(c: number): JsonToken {
    if (c < 0) {
      const container = this.states.length > 1 ? this.containerName() : undefined;
      return this.fail(
        container === undefined
          ? 'Unexpected end-of-input: expected a value'
          : `Unexpected end-of-input: expected close marker for ${container}`,
      );
    }
    switch (c) {
      case 0x22:
        this.pos++;
        return { kind: 'string', value: this.readStringBody('string value') };
      case 0x7b:
        this.pos++;
        this.states.push(State.objectFirst);
        return START_OBJECT;
      case 0x5b:
        this.pos++;
        this.states.push(State.arrayFirst);
        return START_ARRAY;
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber();
        return this.readWord(c);
    }
  }

  private containerName(): string {
    const state = this.states[this.states.length - 1];
    return state === State.arrayFirst || state === State.arrayAfterValue ? 'Array' : 'Object';
  }

  private readWord(c: number): JsonToken {
    const start = this.pos;
    if (!isIdentifierStart(c)) {
      return this.unexpected(c, `expected a valid value ${VALUE_LIST}`);
    }
    let end = start;
    while (end < this.text.length) {
      const cp = this.text.codePointAt(end) ?? 0;
      if (!isIdentifierPart(cp)) break;
      end += cp > 0xffff ? 2 : 1;
    }
    const word = this.text.slice(start, end);
    this.pos = end;
    if (word === 'true') return TRUE;
    if (word === 'false') return FALSE;
    if (word === 'null') return NULL;
    return this.fail(`Unrecognized token '${word}': was expecting ${VALUE_LIST}`);
  }

  private readNumber(): JsonToken {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === 0x2d) {
      pos++;
      const d = text.charCodeAt(pos);
      if (!(d >= 0x30 && d <= 0x39)) {
        this.pos = pos;
        this.numberFail(d, 'expected digit (0-9) to follow minus sign, for valid numeric value');
      }
    }
    if (text.charCodeAt(pos) === 0x30) {
      pos++;
      const d = text.charCodeAt(pos);
      if (d >= 0x30 && d <= 0x39) this.fail('Invalid numeric value: Leading zeroes not allowed');
    } else {
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    if (text.charCodeAt(pos) === 0x2e) {
      pos++;
      if (!isDigit(text.charCodeAt(pos))) {
        this.pos = pos;
        this.numberFail(text.charCodeAt(pos), 'Decimal point not followed by a digit');
      }
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    const e = text.charCodeAt(pos);
    if (e === 0x65 || e === 0x45) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos++;
      if (!isDigit(text.charCodeAt(pos))) {
        this.pos = pos;
        this.numberFail(text.charCodeAt(pos), 'Exponent indicator not followed by a digit');
      }
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    this.pos = pos;
    return { kind: 'number', text: text.slice(start, pos) };
  }

  private numberFail(c: number, why: string): never {
    if (Number.isNaN(c)) return this.fail('Unexpected end-of-input in a Number value');
    return this.fail(`Unexpected character (${describeChar(c)}) in numeric value: ${why}`);
  }

  private readStringBody(context: 'name' | 'string value'): string {
    const text = this.text;
    let pos = this.pos;
    let chunkStart = pos;
    let out = '';
    for (;;) {
      if (pos >= text.length) {
        this.pos = pos;
        return this.fail(
          context === 'name'
            ? 'Unexpected end-of-input in field name'
            : 'Unexpected end-of-input: was expecting closing quote for a string value',
        );
      }
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunkStart, pos);
        this.pos = pos + 1;
        return out;
      }
      if (c === 0x5c) {
        out += text.slice(chunkStart, pos);
        pos++;
        const esc = text.charCodeAt(pos);
        pos++;
        switch (esc) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            let code = 0;
            for (let i = 0; i < 4; i++) {
              const h = text.charCodeAt(pos + i);
              const v = hexValue(h);
              if (v < 0) {
                this.pos = pos + i;
                if (Number.isNaN(h))
                  return this.fail('Unexpected end-of-input within/between String entries');
                return this.fail(
                  `Unexpected character (${describeChar(h)}): expected a hex-digit for character escape sequence`,
                );
              }
              code = code * 16 + v;
            }
            pos += 4;
            out += String.fromCharCode(code);
            break;
          }
          default:
            this.pos = pos - 1;
            if (Number.isNaN(esc)) return this.fail('Unexpected end-of-input in character escape sequence');
            return this.fail(`Unrecognized character escape ${describeChar(esc)}`);
        }
        chunkStart = pos;
        continue;
      }
      if (c < 0x20) {
        this.pos = pos;
        return this.fail(
          `Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in ${context}`,
        );
      }
      pos++;
    }
  }

  private unexpected(c: number, why: string, container?: 'Object' | 'Array'): never {
    if (c < 0) {
      return this.fail(
        `Unexpected end-of-input: expected close marker for ${container ?? this.containerName()}`,
      );
    }
    return this.fail(`Unexpected character (${describeChar(c)}): ${why}`);
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(message);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

// Approximations of Java's Character.isJavaIdentifierStart/Part, which Jackson uses to decide how
// much of a bad token to quote back in its error message.
const IDENTIFIER_START = /[\p{L}\p{Nl}\p{Sc}\p{Pc}]/u;
const IDENTIFIER_PART = /[\p{L}\p{Nl}\p{Sc}\p{Pc}\p{Nd}\p{Mn}\p{Mc}]/u;

function isAsciiLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
}

function isIdentifierStart(c: number): boolean {
  if (c < 0x80) return isAsciiLetter(c);
  return IDENTIFIER_START.test(String.fromCodePoint(c));
}

function isIdentifierPart(c: number): boolean {
  if (c < 0x80) return isAsciiLetter(c) || isDigit(c);
  return IDENTIFIER_PART.test(String.fromCodePoint(c));
}

/** Jackson's `_getCharDesc`, reproduced because AWS quotes it in error reasons. */
function describeChar(c: number): string {
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `(CTRL-CHAR, code ${c})`;
  const ch = String.fromCharCode(c);
  if (c > 255) return `'${ch}' (code ${c} / 0x${c.toString(16)})`;
  return `'${ch}' (code ${c})`;
}

/**
 * Parses JSON text into a {@link JsonValue} that remembers number spelling and key order.
 * Returns `undefined` for empty (whitespace-only) input; throws {@link JsonSyntaxError} otherwise.
 *
 * @param options.strict Also reject anything after the first value (AWS ignores trailing text in
 *   patterns and events, but callers checking "is this whole text JSON?" need the strict answer).
 */
export function parseJson(text: string, options: { strict?: boolean } = {}): JsonValue | undefined {
  const reader = new JsonReader(text);
  const first = reader.next();
  if (first.kind === 'end-of-input') return undefined;
  const value = buildValue(reader, first);
  if (options.strict && /\S/.test(text.slice(reader.offset))) {
    throw new JsonSyntaxError('Trailing content after the JSON value');
  }
  return value;
}

function buildValue(reader: JsonReader, token: JsonToken): JsonValue {
  switch (token.kind) {
    case 'string':
      return { type: 'string', value: token.value };
    case 'number':
      return { type: 'number', text: token.text };
    case 'true':
      return { type: 'boolean', value: true };
    case 'false':
      return { type: 'boolean', value: false };
    case 'null':
      return { type: 'null' };
    case 'start-array': {
      const items: JsonValue[] = [];
      for (let t = reader.next(); t.kind !== 'end-array'; t = reader.next())
        items.push(buildValue(reader, t));
      return { type: 'array', items };
    }
    case 'start-object': {
      const members = new Map<string, JsonValue>();
      for (let t = reader.next(); t.kind !== 'end-object'; t = reader.next()) {
        if (t.kind !== 'field-name') throw new JsonSyntaxError('Expected a field name');
        members.set(t.name, buildValue(reader, reader.next()));
      }
      return { type: 'object', members };
    }
    default:
      throw new JsonSyntaxError(`Unexpected token ${token.kind}`);
  }
}

/** Minified JSON text of a value, numbers spelled as they were read. */
export function stringifyJson(value: JsonValue): string {
  switch (value.type) {
    case 'string':
      return JSON.stringify(value.value);
    case 'number':
      return value.text;
    case 'boolean':
      return value.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'array':
      return `[${value.items.map(stringifyJson).join(',')}]`;
    case 'object': {
      const parts: string[] = [];
      for (const [key, member] of value.members)
        parts.push(`${JSON.stringify(key)}:${stringifyJson(member)}`);
      return `{${parts.join(',')}}`;
    }
  }
}

/**
 * Converts an already-parsed JavaScript value (as from `JSON.parse`) into a {@link JsonValue}.
 * Numbers get JavaScript's spelling, since the original one is gone.
 */
export function fromPlainValue(value: unknown): JsonValue {
  if (value === null) return { type: 'null' };
  switch (typeof value) {
    case 'string':
      return { type: 'string', value };
    case 'number':
      if (!Number.isFinite(value)) throw new JsonSyntaxError('Numbers must be finite');
      return { type: 'number', text: String(value) };
    case 'boolean':
      return { type: 'boolean', value };
    case 'object': {
      if (Array.isArray(value)) return { type: 'array', items: value.map(fromPlainValue) };
      const members = new Map<string, JsonValue>();
      for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
        if (member !== undefined) members.set(key, fromPlainValue(member));
      }
      return { type: 'object', members };
    }
    default:
      throw new JsonSyntaxError(`A ${typeof value} cannot be represented in JSON`);
  }
}
