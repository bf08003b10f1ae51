import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation } from '../../shared/observability/metered-invocation.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { deliverJob } from '../../shared/use-cases/deliver-job.ts';
import { deliveryJobMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

/** SQS consumer of the delivery queue: many recipients of one push per message. */
export const createDeliveryWorker = (ports: () => HeraldPorts) =>
  middy(async (event: SQSEvent, context: Context) => {
    const deps = ports();
    return processBatch(
      event,
      deliveryJobMessage,
      { deadLetters: deps.deliveryDeadLetters, redelivery: deps.redelivery },
      async (job, record) => {
        const timeLeftMs = () => context.getRemainingTimeInMillis();
        const lastAttempt =
          Number(record.attributes.ApproximateReceiveCount) >= (deliveryQueue.maxReceiveCount ?? 5);
        const result = await requestMeter.within(job.recipeId, () =>
          deliverJob(job, { ...deps, timeLeftMs, lastAttempt }),
        );
        logger.info('job delivered', { jobId: job.jobId, ...result });
      },
    );
  });

export const handler = meteredInvocation(createDeliveryWorker(lambdaPorts), {
  costs: () => lambdaPorts().costs,
});
