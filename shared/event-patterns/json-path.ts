import type { JsonValue } from './json-text.ts';

/**
 * The JSONPath subset EventBridge input transformers accept: `$`, `.name`, `['name']`, `[0]`,
 * `.*` and `[*]`. Names may hold dashes, slashes and anything else but `.` and `[`.
 */
type Step = { readonly name: string } | { readonly index: number } | { readonly wildcard: true };

/** Splits a path into steps, or returns `undefined` for a path outside the supported subset. */
export function parseJsonPath(path: string): readonly Step[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    if (path[i] === '.') {
      const end = nextDelimiter(path, i + 1);
      const name = path.slice(i + 1, end);
      if (name === '') return undefined;
      steps.push(name === '*' ? { wildcard: true } : { name });
      i = end;
    } else if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const inside = path.slice(i + 1, close).trim();
      const quoted = /^'(.*)'$|^"(.*)"$/.exec(inside);
      if (inside === '*') steps.push({ wildcard: true });
      else if (quoted) steps.push({ name: quoted[1] ?? quoted[2] ?? '' });
      else if (/^-?\d+$/.test(inside)) steps.push({ index: Number(inside) });
      else return undefined;
      i = close + 1;
    } else {
      return undefined;
    }
  }
  return steps;
}

function nextDelimiter(path: string, from: number): number {
  for (let i = from; i < path.length; i++) if (path[i] === '.' || path[i] === '[') return i;
  return path.length;
}

/**
 * The value at the path, or `undefined` when the path leads nowhere. A path with a wildcard
 * yields an array of everything it reached, as Jayway JsonPath (and so EventBridge) does.
 */
export function evaluateJsonPath(root: JsonValue, steps: readonly Step[]): JsonValue | undefined {
  let current: JsonValue[] = [root];
  let indefinite = false;
  for (const step of steps) {
    const next: JsonValue[] = [];
    for (const value of current) {
      if ('wildcard' in step) {
        indefinite = true;
        if (value.type === 'array') next.push(...value.items);
        else if (value.type === 'object') next.push(...value.members.values());
      } else if ('index' in step) {
        if (value.type !== 'array') continue;
        const item = value.items[step.index < 0 ? value.items.length + step.index : step.index];
        if (item !== undefined) next.push(item);
      } else if (value.type === 'object') {
        const member = value.members.get(step.name);
        if (member !== undefined) next.push(member);
      }
    }
    current = next;
  }
  if (indefinite) return current.length === 0 ? undefined : { type: 'array', items: current };
  return current[0];
}
