import middy from '@middy/core';
import { HeraldError } from '../../shared/domain/errors.ts';
import { eventEnvelopeSchema, toDomainEvent } from '../../shared/domain/events/envelope.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { planTrigger } from '../../shared/use-cases/plan-trigger.ts';
import { plannerInput } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';

/** EventBridge target of every recipe rule: `{recipeId, event}` in, fan-out tasks out. */
export const createPlanner = (ports: () => HeraldPorts) =>
  middy(async (input: unknown) => {
    const deps = ports();
    let recipeId: string;
    let envelope: ReturnType<typeof eventEnvelopeSchema.parse>;
    try {
      const parsed = parseOrThrow(plannerInput, input, 'input');
      recipeId = parsed.recipeId;
      envelope = parseOrThrow(eventEnvelopeSchema, parsed.event, 'event');
    } catch (error) {
      if (!(error instanceof HeraldError)) throw error;
      await deps.rejected.keep({ reason: error.message, event: input });
      return { status: 'rejected', reason: error.message };
    }
    const result = await planTrigger(recipeId, toDomainEvent(envelope), envelope, deps);
    logger.info('trigger planned', { eventId: envelope.id, recipeId, ...result });
    return result;
  });

export const handler = createPlanner(lambdaPorts);
