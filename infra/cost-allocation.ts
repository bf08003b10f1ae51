import { type Stack, Tags } from 'aws-cdk-lib';

/**
 * The cost allocation tags of Herald's resources. Activated in the Billing console, they split
 * the AWS bill (Cost Explorer, CUR 2.0) as `herald costs` does, so finance can reconcile the two.
 */
export const costAllocationTag = {
  /** `herald` on every resource: what the budget counts. */
  application: 'application',
  /** The construct a resource belongs to (`Delivery`, `Fanout`, `MessageLog`...). */
  component: 'component',
  /** The business line of a resource that serves one only (a recipe's rule). */
  business: 'business',
} as const;

export const APPLICATION = 'herald';

/**
 * Tags every taggable resource of `stack`: `application`, and `component` after the construct
 * id of the stack's child it lives in (the stack's own id for a resource directly in the stack).
 * Call once the stack's constructs exist; tags are applied at synth, to every descendant.
 */
export const tagForCostAllocation = (stack: Stack): void => {
  Tags.of(stack).add(costAllocationTag.application, APPLICATION);
  // Lower priority than a child's own `component`, which wins on the resources under it.
  Tags.of(stack).add(costAllocationTag.component, stack.node.id, { priority: 50 });
  for (const child of stack.node.children) Tags.of(child).add(costAllocationTag.component, child.node.id);
};

/** Marks `scope`'s resources as serving one business line only. */
export const tagBusiness = (scope: Parameters<typeof Tags.of>[0], business: string): void =>
  Tags.of(scope).add(costAllocationTag.business, business);
