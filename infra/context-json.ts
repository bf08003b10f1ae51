import type { Node } from 'constructs';
import type { z } from 'zod';
import { formatPath } from '../shared/domain/validation.ts';

/** A CDK context value (`-c key=value`, or cdk.json) Herald cannot deploy with. */
export class ContextError extends Error {
  readonly key: string;
  readonly reason: string;

  constructor(key: string, reason: string) {
    super(`context ${key}: ${reason}`);
    this.name = 'ContextError';
    this.key = key;
    this.reason = reason;
  }
}

/** `-c key=` (empty) counts as not given, like an absent key. */
export const contextValue = (node: Node, key: string): unknown => {
  const value = node.tryGetContext(key);
  return value === '' || value === null ? undefined : value;
};

/**
 * A structured context value checked by `schema`: cdk.json gives it as JSON, `-c key='[...]'` as a
 * string of JSON. The first problem fails the synth naming its path (`publishers[1].sources[0]`).
 */
export const jsonContext = <S extends z.ZodType>(
  node: Node,
  key: string,
  schema: S,
): z.output<S> | undefined => {
  let value = contextValue(node, key);
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ContextError(key, `${JSON.stringify(value)} is not JSON`);
    }
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ContextError(formatPath(issue.path, key), issue.message);
};
