import { z } from 'zod';

/**
 * The EventBridge envelope as a Lambda target receives it. Herald only relies on these fields;
 * the rest of the envelope passes through untouched.
 */
export const eventEnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  account: z.string().optional(),
  region: z.string().optional(),
  resources: z.array(z.string()).optional(),
  detail: z.unknown(),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

/** A domain event after its envelope was checked: what use cases work with. */
export interface DomainEvent<D = unknown> {
  readonly id: string;
  readonly source: string;
  readonly detailType: string;
  readonly time: Date;
  readonly detail: D;
}

export const toDomainEvent = (envelope: EventEnvelope): DomainEvent => ({
  id: envelope.id,
  source: envelope.source,
  detailType: envelope['detail-type'],
  time: new Date(envelope.time),
  detail: envelope.detail,
});
