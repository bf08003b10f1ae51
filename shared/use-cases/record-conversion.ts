import { z } from 'zod';
import type { Conversion } from '../domain/engagement/experiment.ts';
import type { MessageLog, MessageRecord } from '../domain/engagement/message-log.ts';

/** What a conversion rule hands its target: the recipe's `userField` and the event itself. */
const conversionInputSchema = z.object({
  userField: z.string().min(1),
  event: z.looseObject({
    id: z.string().min(1),
    time: z.string().min(1),
    detail: z.unknown(),
  }),
});

/** The detail field at `userField` (dots go down into objects: `buyer.id`). */
const userOf = (detail: unknown, userField: string): string | undefined => {
  let value: unknown = detail;
  for (const key of userField.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
};

/**
 * The `converted` record of a conversion event (an order, say): any scope, no variant, the
 * event's id and time. Which message it counts for is decided at query time (statsQuery).
 * Undefined when the event names no user at `userField`.
 *
 * @example conversionRecord({ id: 'e9', time: '2026-11-21T14:00:00Z', detail: { buyerId: 'u1' } }, { userField: 'buyerId' })
 */
export const conversionRecord = (
  event: { readonly id: string; readonly time: string; readonly detail?: unknown },
  spec: Pick<Conversion, 'userField'>,
): MessageRecord | undefined => {
  const userId = userOf(event.detail, spec.userField);
  if (userId === undefined) return undefined;
  return {
    time: new Date(event.time).toISOString(),
    step: 'converted',
    scope: '',
    variant: '',
    eventId: event.id,
    userId,
  };
};

/**
 * Appends the conversion a bus rule matched (locally; on AWS the rule feeds Firehose directly
 * with the same record). An event that names no user is not a conversion of anyone: skipped.
 */
export const recordConversion = async (
  input: unknown,
  deps: { readonly messageLog: MessageLog },
): Promise<MessageRecord | undefined> => {
  const { userField, event } = conversionInputSchema.parse(input);
  const record = conversionRecord(event, { userField });
  if (record) await deps.messageLog.append([record]);
  return record;
};
