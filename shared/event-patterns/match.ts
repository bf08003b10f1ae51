import type { FlatEvent, Leaf } from './flatten.ts';
import type { ValueMatcher } from './matchers.ts';

/** One field of a branch: its path, the alternatives it accepts, and whether absence is one of them. */
export interface FieldCondition {
  readonly path: string;
  readonly matchers: readonly ValueMatcher[];
  /** `{"exists": false}` is among the alternatives. */
  readonly matchesAbsence: boolean;
}

/** Fields that must all match, sorted by path. */
export type Branch = readonly FieldCondition[];

const NO_LEAVES: readonly Leaf[] = [];
const NO_MEMBERSHIP: readonly number[] = [];

/** Whether some branch matches the flattened event. */
export function matchesAnyBranch(branches: readonly Branch[], event: FlatEvent): boolean {
  for (const branch of branches) if (branchMatches(branch, event)) return true;
  return false;
}

/** Whether every field of the branch matches, with all matched leaves from compatible array elements. */
export function branchMatches(branch: Branch, event: FlatEvent): boolean {
  if (event.hasArrayMembership) return search(branch, 0, event, NO_MEMBERSHIP);
  // Without arrays of objects every leaf is compatible with every other: fields are independent.
  for (const field of branch) {
    const leaves = event.fields.get(field.path);
    if (leaves === undefined) {
      if (!field.matchesAbsence) return false;
    } else if (!leaves.some((leaf) => accepts(field, leaf))) {
      return false;
    }
  }
  return true;
}

function accepts(field: FieldCondition, leaf: Leaf): boolean {
  for (const matcher of field.matchers) if (matcher.test(leaf)) return true;
  return false;
}

// Depth-first over fields in path order, carrying the array elements already committed to. An
// absent field only counts as absent among the leaves compatible with those elements, which is
// how AWS evaluates `{"exists": false}` inside arrays of objects.
function search(branch: Branch, index: number, event: FlatEvent, membership: readonly number[]): boolean {
  const field = branch[index];
  if (field === undefined) return true;
  const leaves = event.fields.get(field.path) ?? NO_LEAVES;
  let sawCompatible = false;
  for (const leaf of leaves) {
    if (!compatible(membership, leaf.membership)) continue;
    sawCompatible = true;
    if (accepts(field, leaf) && search(branch, index + 1, event, merge(membership, leaf.membership)))
      return true;
  }
  return field.matchesAbsence && !sawCompatible && search(branch, index + 1, event, membership);
}

function indexIn(membership: readonly number[], arrayId: number): number {
  for (let i = 0; i < membership.length; i += 2)
    if (membership[i] === arrayId) return membership[i + 1] ?? -1;
  return -1;
}

function compatible(committed: readonly number[], leaf: readonly number[]): boolean {
  for (let i = 0; i < leaf.length; i += 2) {
    const index = indexIn(committed, leaf[i] ?? -1);
    if (index !== -1 && index !== leaf[i + 1]) return false;
  }
  return true;
}

function merge(committed: readonly number[], leaf: readonly number[]): readonly number[] {
  if (leaf.length === 0) return committed;
  const merged = [...committed];
  for (let i = 0; i < leaf.length; i += 2) {
    if (indexIn(committed, leaf[i] ?? -1) === -1) merged.push(leaf[i] ?? -1, leaf[i + 1] ?? -1);
  }
  return merged;
}
