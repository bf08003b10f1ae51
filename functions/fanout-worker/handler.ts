import type { Context, SQSEvent } from 'aws-lambda';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation } from '../../shared/observability/metered-invocation.ts';
import { meteredPorts } from '../../shared/observability/metered-ports.ts';
import { metrics as processMetrics } from '../../shared/observability/metrics.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { fanoutQueue } from '../../shared/resources/queues.ts';
import { fanOutSlice } from '../../shared/use-cases/fan-out-slice.ts';
import { fanoutTaskMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

const YIELD_WITH_MS_LEFT = 60_000;

/** SQS consumer of the fan-out queue: one audience slice per message. */
export const createFanoutWorker = (ports: () => HeraldPorts, metrics = processMetrics) =>
  observed(
    async (event: SQSEvent, context: Context) => {
      // The rest of a slice goes on as a follow-up task once less than this much time is left.
      const shouldYield = () => context.getRemainingTimeInMillis() < YIELD_WITH_MS_LEFT;
      const deps = {
        ...meteredPorts(ports(), metrics),
        shouldYield,
        timeLeftMs: () => context.getRemainingTimeInMillis(),
      };
      return processBatch(
        event,
        fanoutTaskMessage,
        { deadLetters: deps.fanoutDeadLetters, redelivery: deps.redelivery },
        (task, record) =>
          logger.withCorrelationId(task.event.id, async () => {
            const lastAttempt =
              Number(record.attributes.ApproximateReceiveCount) >= (fanoutQueue.maxReceiveCount ?? 5);
            const started = performance.now();
            const result = await requestMeter.within(task.recipeId, () =>
              fanOutSlice(task, { ...deps, lastAttempt }),
            );
            if (!result.alreadyDone && !result.handedOver) {
              const recipe = task.recipeId;
              metrics.add('SliceDurationMs', Math.round(performance.now() - started), { recipe });
              metrics.add('JobsPerTask', result.jobs, { recipe });
            }
            logger.info('slice fanned out', { taskId: task.taskId, ...result });
          }),
      );
    },
    { name: 'fanout-worker', metrics },
  );

export const handler = meteredInvocation(createFanoutWorker(lambdaPorts), {
  costs: () => lambdaPorts().costs,
});
