import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation } from '../../shared/observability/metered-invocation.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { fanoutQueue } from '../../shared/resources/queues.ts';
import { fanOutSlice } from '../../shared/use-cases/fan-out-slice.ts';
import { fanoutTaskMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

const YIELD_WITH_MS_LEFT = 60_000;

/** SQS consumer of the fan-out queue: one audience slice per message. */
export const createFanoutWorker = (ports: () => HeraldPorts) =>
  middy(async (event: SQSEvent, context: Context) => {
    // The rest of a slice goes on as a follow-up task once less than this much time is left.
    const shouldYield = () => context.getRemainingTimeInMillis() < YIELD_WITH_MS_LEFT;
    const deps = { ...ports(), shouldYield, timeLeftMs: () => context.getRemainingTimeInMillis() };
    return processBatch(
      event,
      fanoutTaskMessage,
      { deadLetters: deps.fanoutDeadLetters, redelivery: deps.redelivery },
      async (task, record) => {
        const lastAttempt =
          Number(record.attributes.ApproximateReceiveCount) >= (fanoutQueue.maxReceiveCount ?? 5);
        const result = await requestMeter.within(task.recipeId, () =>
          fanOutSlice(task, { ...deps, lastAttempt }),
        );
        logger.info('slice fanned out', { taskId: task.taskId, ...result });
      },
    );
  });

export const handler = meteredInvocation(createFanoutWorker(lambdaPorts), {
  costs: () => lambdaPorts().costs,
});
