/**
 * Renders `{{detail.title}}`-style placeholders from event values. One pass, no evaluation: a
 * value that itself contains `{{...}}` is printed as text, never expanded again. Control
 * characters are dropped so a hostile value cannot break a notification's layout.
 */
const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.-]+)\s*\}\}/g;
// Control characters except tab and newline, plus the Unicode line/paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

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

export const renderTemplate = (template: string, values: Readonly<Record<string, unknown>>): string =>
  template.replace(PLACEHOLDER, (_, path: string) => show(lookup(values, path)).replace(CONTROL, ''));

/** The placeholders a template uses, so a catalog can be checked before any event arrives. */
export const placeholdersOf = (template: string): string[] =>
  [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
