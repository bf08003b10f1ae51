import { HeraldError } from '../../shared/domain/errors.ts';
import { eventEnvelopeSchema, toDomainEvent } from '../../shared/domain/events/envelope.ts';
import { CANARY_RECIPE_ID } from '../../shared/domain/recipes/canary.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, plannerMetering } from '../../shared/observability/metered-invocation.ts';
import { meteredPorts } from '../../shared/observability/metered-ports.ts';
import { metrics as processMetrics } from '../../shared/observability/metrics.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { planTrigger } from '../../shared/use-cases/plan-trigger.ts';
import { canaryRecipientOnce } from '../canary-recipient.ts';
import { plannerInput } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';

/** Time the planner spends fanning out a small audience itself, well inside its timeout. */
const INLINE_BUDGET_MS = 10_000;

/** EventBridge target of every recipe rule: `{recipeId, event}` in, fan-out tasks out. */
export const createPlanner = (ports: () => HeraldPorts, metrics = processMetrics) =>
  observed(
    async (input: unknown) => {
      const deps = meteredPorts(ports(), metrics);
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
      metrics.add('EventsIn', 1, { source: envelope.source });
      if (recipeId === CANARY_RECIPE_ID) await canaryRecipientOnce(deps);
      const started = Date.now();
      // A small audience is fanned out here; past the budget the rest goes on as a follow-up task.
      const shouldYield = () => Date.now() - started > INLINE_BUDGET_MS;
      return logger.withCorrelationId(envelope.id, async () => {
        const result = await requestMeter.within(recipeId, () =>
          planTrigger(recipeId, toDomainEvent(envelope), envelope, { ...deps, shouldYield }),
        );
        logger.info('trigger planned', { eventId: envelope.id, recipeId, ...result });
        return result;
      });
    },
    { name: 'planner', metrics },
  );

export const handler = meteredInvocation(createPlanner(lambdaPorts), plannerMetering(lambdaPorts));
