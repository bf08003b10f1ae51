import { createHash } from 'node:crypto';
import type { CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const alphanumeric = (text: string) => text.replace(/[^A-Za-z0-9]/g, '');

/** Leaves out a component that only repeats the end of the one before it, as CDK does. */
const withoutRepeats = (path: readonly string[]) =>
  path.filter((component, index) => index === 0 || !path[index - 1]!.endsWith(component));

/**
 * The logical id CDK gives a resource at `path` (construct ids from the stack down), as its
 * `makeUniqueId` computes it: the ids run together, and a hash of the path unless it is one id.
 */
export const logicalIdAt = (path: readonly string[]): string => {
  const components = path.filter((component) => component !== 'Default');
  if (components.length === 1) return alphanumeric(components[0]!);
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human = withoutRepeats(components)
    .filter((component) => component !== 'Resource')
    .map(alphanumeric)
    .join('')
    .slice(0, 240);
  return `${human}${hash}`;
};

/**
 * Keeps the logical id a resource had when it sat at `path` directly under the stack, before the
 * stack was split into constructs. Replacing these would lose what they hold or collide with
 * their own physical names: queues (their messages, the dead letters' failed work), the named bus,
 * rules and schedule group, and the role every pending hold schedule assumes.
 */
export const keepLogicalId = (construct: IConstruct, path: readonly string[]): void => {
  const resource = construct.node.defaultChild ?? construct;
  (resource as CfnElement).overrideLogicalId(logicalIdAt(path));
};
