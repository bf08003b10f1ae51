import { HeraldError } from '../../shared/domain/errors.ts';
import { eventEnvelopeSchema, toDomainEvent } from '../../shared/domain/events/envelope.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, overhead } from '../../shared/observability/metered-invocation.ts';
import { metrics as processMetrics } from '../../shared/observability/metrics.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import { ingestRelationEvent } from '../../shared/use-cases/ingest-relation-event.ts';
import { lambdaPorts } from '../lambda-ports.ts';

/** EventBridge target: keeps the relation a social event describes (follow, favorite, view...). */
export const createRelationWriter = (ports: () => HeraldPorts, metrics = processMetrics) =>
  observed(
    async (event: unknown) => {
      const deps = ports();
      let envelope: ReturnType<typeof eventEnvelopeSchema.parse>;
      try {
        envelope = parseOrThrow(eventEnvelopeSchema, event, 'event');
      } catch (error) {
        if (!(error instanceof HeraldError)) throw error;
        await deps.rejected.keep({ reason: error.message, event });
        return { status: 'rejected', reason: error.message };
      }
      metrics.add('EventsIn', 1, { source: envelope.source });
      const result = await logger.withCorrelationId(envelope.id, () =>
        ingestRelationEvent(toDomainEvent(envelope), event, deps),
      );
      logger.info('relation event', {
        eventId: envelope.id,
        detailType: envelope['detail-type'],
        status: result.status,
      });
      return result.status === 'applied' ? { status: 'applied' } : result;
    },
    { name: 'relation-writer', metrics },
  );

export const handler = meteredInvocation(
  createRelationWriter(lambdaPorts),
  overhead('relation-writes', lambdaPorts),
);
