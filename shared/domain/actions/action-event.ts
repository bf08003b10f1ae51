import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The source of every event a recipe's `emit` action puts on the bus. */
export const ACTION_SOURCE = 'herald.actions';

/**
 * Emitted events a chain may hold: the first recipe's emit is depth 1, and a recipe never emits
 * an event whose `chain` would grow past this. The catalog refuses longer chains when it loads.
 */
export const MAX_CHAIN_DEPTH = 4;

/** Detail fields Herald sets on every emitted event; a recipe's `fields` may not name them. */
export const reservedActionFields = ['recipeId', 'userId', 'actionId', 'trigger', 'chain'] as const;

const recipeIdText = z.string().min(1).max(64);

/**
 * The contract of every `herald.actions` event, whatever its detail-type: the recipient, the
 * recipe that acted, the triggering event, the chain of recipes that led here, and the fields the
 * recipe mapped from the trigger's detail (any JSON value). `actionId` is stable for one
 * (business event, recipe, recipient): a team's service that grants a coupon dedupes on it.
 */
export const actionEventDetail = z.looseObject({
  recipeId: recipeIdText,
  userId: z.string().min(1).max(128),
  actionId: z.string().min(1).max(64),
  trigger: z.strictObject({
    id: z.string().min(1),
    source: z.string().min(1),
    detailType: z.string().min(1),
  }),
  chain: z.array(recipeIdText).min(1).max(MAX_CHAIN_DEPTH),
});
export type ActionEventDetail = z.infer<typeof actionEventDetail>;

/**
 * What the jobs of an emit recipe carry instead of a push: the detail-type and the part of the
 * detail every recipient shares; delivery adds `userId` and `actionId` per recipient.
 */
export interface EmitAction {
  readonly detailType: string;
  /** Business identity of the trigger (events/identity.ts): what `actionId` derives from. */
  readonly identity: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** An event an action puts on the bus (its source is always {@link ACTION_SOURCE}). */
export interface ActionEvent {
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * What the bus answered for one emitted event. `sent: false` means the bus never took it (refused
 * or throttled to the end), so nothing downstream can have acted on it.
 */
export type EmitResult =
  | { readonly status: 'emitted'; readonly eventId: string }
  | { readonly status: 'failed'; readonly code: string; readonly message: string; readonly sent: boolean };

/**
 * Port: puts action events on Herald's bus, batched and retried; one answer per event, in order.
 * EventBridge on AWS; locally the same adapter, pointed at the local bus's PutEvents endpoint.
 */
export interface ActionBus {
  emit(events: readonly ActionEvent[]): Promise<EmitResult[]>;
}

/** A bus for deployments with no emit recipe: every event fails, naming what is missing. */
export const noActionBus: ActionBus = {
  emit: async (events) =>
    events.map(() => ({
      status: 'failed',
      code: 'NoActionBus',
      message: 'no event bus is configured for emit actions',
      sent: false,
    })),
};

/** The idempotency key of one recipient's action: the same whatever job or retry emits it. */
export const actionIdOf = (identity: string, recipeId: string, userId: string): string =>
  createHash('sha256').update(`${identity}\u0000${recipeId}\u0000${userId}`).digest('base64url').slice(0, 22);

/** The event one recipient's action puts on the bus. */
export const actionEventFor = (emit: EmitAction, recipeId: string, userId: string): ActionEvent => ({
  detailType: emit.detailType,
  detail: { ...emit.detail, userId, actionId: actionIdOf(emit.identity, recipeId, userId) },
});

/** The recipes an event's chain already holds: empty for a business event. */
export const chainOf = (event: { readonly source: string; readonly detail: unknown }): readonly string[] => {
  if (event.source !== ACTION_SOURCE) return [];
  const chain = (event.detail as { chain?: unknown } | undefined)?.chain;
  return Array.isArray(chain) ? chain.map(String) : [];
};
