/** Port: a queue of work items (fan-out tasks, delivery jobs). Adapters pack and batch. */
export interface WorkQueue<T> {
  /** `delaySeconds` (0-900) holds the items back, as a follow-up after throttling wants. */
  send(items: readonly T[], options?: { readonly delaySeconds?: number }): Promise<void>;
}

/** An event Herald received but could not act on, kept with its reason. */
export interface RejectedEvent {
  readonly reason: string;
  readonly event: unknown;
}

/** Port: where rejected events are kept for a person to inspect. */
export interface RejectedEvents {
  keep(rejection: RejectedEvent): Promise<void>;
}
