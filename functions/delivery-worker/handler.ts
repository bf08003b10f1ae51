import middy from '@middy/core';
import type { SQSEvent } from 'aws-lambda';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { deliverJob } from '../../shared/use-cases/deliver-job.ts';
import { deliveryJobMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

/** SQS consumer of the delivery queue: many recipients of one push per message. */
export const createDeliveryWorker = (ports: () => HeraldPorts) =>
  middy(async (event: SQSEvent) => {
    const deps = ports();
    return processBatch(event, deliveryJobMessage, deps.deliveryDeadLetters, async (job) => {
      const result = await deliverJob(job, deps);
      logger.info('job delivered', { jobId: job.jobId, ...result });
    });
  });

export const handler = createDeliveryWorker(lambdaPorts);
