import middy from '@middy/core';
import { HeraldError } from '../../shared/domain/errors.ts';
import { eventEnvelopeSchema, toDomainEvent } from '../../shared/domain/events/envelope.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, plannerMetering } from '../../shared/observability/metered-invocation.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { planTrigger } from '../../shared/use-cases/plan-trigger.ts';
import { plannerInput } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';

/** Time the planner spends fanning out a small audience itself, well inside its timeout. */
const INLINE_BUDGET_MS = 10_000;

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
    const started = Date.now();
    // A small audience is fanned out here; past the budget the rest goes on as a follow-up task.
    const shouldYield = () => Date.now() - started > INLINE_BUDGET_MS;
    const result = await requestMeter.within(recipeId, () =>
      planTrigger(recipeId, toDomainEvent(envelope), envelope, { ...deps, shouldYield }),
    );
    logger.info('trigger planned', { eventId: envelope.id, recipeId, ...result });
    return result;
  });

export const handler = meteredInvocation(createPlanner(lambdaPorts), plannerMetering(lambdaPorts));
