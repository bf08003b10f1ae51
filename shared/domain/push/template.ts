/**
 * Renders `{{detail.title}}`-style placeholders from event values. One pass, no evaluation: a
 * value that itself contains `{{...}}` is printed as text, never expanded again.
 *
 * Values are untrusted (a seller writes their item's title), so before a value is printed:
 * - control characters are dropped, so it cannot break a notification's layout;
 * - bidi controls are dropped: a right-to-left override in a title can make `9.99 EUR` display
 *   as `RUE 99.9` or visually move text over the price;
 * - zero-width characters are dropped: they hide text and make look-alike words. A zero-width
 *   joiner between two pictographs is kept, as it is what joins family or profession emoji.
 */
const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}/g;
// Control characters except tab and newline, plus the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;
/** Embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069), LRM, RLM, ALM. */
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
/** Zero-width space and non-joiner, word joiner, byte-order mark. */
const ZERO_WIDTH = /[\u200b\u200c\u2060\ufeff]/g;
/**
 * A zero-width joiner not inside an emoji sequence: the pictograph before it may carry a
 * variation selector or a skin tone, and another pictograph must follow.
 */
const STRAY_JOINER =
  /(?<!\p{Extended_Pictographic}[\u{fe0f}\u{1f3fb}-\u{1f3ff}]?)\u200d|\u200d(?!\p{Extended_Pictographic})/gu;
/** A deep link starts with its scheme and `//` (`market://items/...`, `https://...`). */
const URI_TEMPLATE = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;
/** `.` and `..` segments, which URL parsers resolve (as they do `%2e%2e`) and so would change the path. */
const DOT_SEGMENT = /^\.{1,2}$/;

const lookup = (values: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => {
    if (node === null || typeof node !== 'object') return undefined;
    return Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }, values);

const show = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
};

/** A value as text a person can trust: no control, bidi or stray zero-width characters. */
export const cleanText = (value: string): string =>
  value.replace(CONTROL, '').replace(BIDI, '').replace(ZERO_WIDTH, '').replace(STRAY_JOINER, '');

/**
 * A value as one URL component: percent-encoded, so it cannot add a `/`, `?`, `#`, `@` or `:`
 * and change the link's scheme, host or path. A value that is only dots is dropped, since no
 * encoding stops a parser from resolving it as "this" or "the parent" segment.
 */
const uriComponent = (value: string): string => {
  const text = cleanText(value);
  return DOT_SEGMENT.test(text) ? '' : encodeURIComponent(text);
};

/**
 * Fills a template. A template that starts like a deep link (`scheme://`) renders its values
 * URL-encoded (see `renderDeepLink`); any other renders them as cleaned text.
 *
 * @example renderTemplate('{{detail.title}}: {{detail.price}}', { detail: { title: 'Lamp', price: 5 } }) // 'Lamp: 5'
 */
export const renderTemplate = (template: string, values: Readonly<Record<string, unknown>>): string =>
  URI_TEMPLATE.test(template)
    ? renderDeepLink(template, values)
    : template.replace(PLACEHOLDER, (_, path: string) => cleanText(show(lookup(values, path))));

/**
 * Fills a deep-link template: each value is percent-encoded, so the template alone decides the
 * scheme, host and path.
 *
 * @example renderDeepLink('market://items/{{detail.itemId}}', { detail: { itemId: 'a/b?c' } }) // 'market://items/a%2Fb%3Fc'
 */
export const renderDeepLink = (template: string, values: Readonly<Record<string, unknown>>): string =>
  template.replace(PLACEHOLDER, (_, path: string) => uriComponent(show(lookup(values, path))));

/** The placeholders a template uses, so a catalog can be checked before any event arrives. */
export const placeholdersOf = (template: string): string[] =>
  [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
