import type { z } from 'zod';
import { ValidationError } from './errors.ts';

/** Renders a zod issue path the way a person reads it: `detail.items[2].price`. */
export const formatPath = (path: readonly PropertyKey[], prefix = ''): string =>
  path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc === '' ? String(key) : `${acc}.${String(key)}`;
  }, prefix);

/**
 * Parses `input` with `schema`, or throws a ValidationError naming the first offending field.
 * Every boundary (handlers, scenario files, catalogs) goes through here so errors read alike.
 */
export const parseOrThrow = <S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = formatPath(issue.path, prefix) || prefix || '(root)';
  throw new ValidationError(field, issue.message, { cause: result.error });
};
