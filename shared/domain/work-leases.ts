/**
 * Leases and checkpoints for units of work that SQS (or EventBridge) may hand over more than once:
 * a fan-out task, a delivery job. The lease keeps two copies from running side by side; the
 * checkpoint lets a copy that follows a killed worker resume where it stopped.
 */
export type WorkLeaseResult<C> =
  | { readonly status: 'acquired'; readonly checkpoint?: C }
  | { readonly status: 'busy' };

/** Port: per-unit leases and checkpoints of shape `C`. */
export interface WorkLeases<C> {
  /** Takes the unit for `owner` for `leaseMs`, unless another owner's lease is still running. */
  acquire(id: string, owner: string, leaseMs: number): Promise<WorkLeaseResult<C>>;
  /** Writes the checkpoint; throws (a RetryLaterError) when `owner` no longer holds the lease. */
  save(id: string, owner: string, checkpoint: C): Promise<void>;
  /** Lets the next copy start at once (after a failure the worker caught). */
  release(id: string, owner: string): Promise<void>;
  /**
   * Takes the unit for `owner` whoever holds it, and returns its last checkpoint. Whoever held it
   * can no longer `save`, so it stops before it sends anything more: used when work is given up.
   */
  seize(id: string, owner: string, leaseMs: number): Promise<C | undefined>;
}
