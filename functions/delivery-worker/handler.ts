import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import { HeraldError } from '../../shared/domain/errors.ts';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { deliverJob } from '../../shared/use-cases/deliver-job.ts';
import { deliveryJobMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

/** The job failed on its last receive: SQS would drop it into the DLQ bare, so we move it with its reason. */
class DeliveryGaveUpError extends HeraldError {
  constructor(receives: number, cause: unknown) {
    super(`gave up after ${receives} receives: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'DeliveryGaveUpError';
  }
}

/** SQS consumer of the delivery queue: many recipients of one push per message. */
export const createDeliveryWorker = (ports: () => HeraldPorts) =>
  middy(async (event: SQSEvent, context: Context) => {
    const deps = ports();
    return processBatch(event, deliveryJobMessage, deps.deliveryDeadLetters, async (job, record) => {
      try {
        const timeLeftMs = () => context.getRemainingTimeInMillis();
        const result = await requestMeter.within(job.recipeId, () =>
          deliverJob(job, { ...deps, timeLeftMs }),
        );
        logger.info('job delivered', { jobId: job.jobId, ...result });
      } catch (error) {
        const receives = Number(record.attributes.ApproximateReceiveCount);
        if (error instanceof HeraldError || receives < (deliveryQueue.maxReceiveCount ?? 5)) throw error;
        throw new DeliveryGaveUpError(receives, error);
      }
    });
  });

export const handler = createDeliveryWorker(lambdaPorts);
