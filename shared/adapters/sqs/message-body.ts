/** Characters outside the Basic Multilingual Plane (emoji, rarer CJK): written as surrogate pairs. */
const ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;

/** One astral character is two UTF-16 code units: its surrogate pair. */
const escapeAstral = (char: string): string =>
  [char.charCodeAt(0), char.charCodeAt(1)].map((code) => `\\u${code.toString(16)}`).join('');

/**
 * A JSON message body for SQS with every character outside the Basic Multilingual Plane written
 * as `\uXXXX` escapes. SQS accepts those characters, but some SQS engines (fauxqs among them)
 * refuse them, and an event with an emoji in its title must not be lost on any engine; JSON
 * readers decode the escapes back to the same text.
 */
export const messageBodyOf = (value: unknown): string => JSON.stringify(value).replace(ASTRAL, escapeAstral);
