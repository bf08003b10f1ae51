import type { Context, SQSEvent } from 'aws-lambda';
import type { HeraldPorts } from '../../shared/herald-ports.ts';
import { recordCanaryLatency } from '../../shared/observability/canary-latency.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation } from '../../shared/observability/metered-invocation.ts';
import { meteredPorts } from '../../shared/observability/metered-ports.ts';
import { metrics as processMetrics } from '../../shared/observability/metrics.ts';
import { observed } from '../../shared/observability/middlewares.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { deliveryQueue } from '../../shared/resources/queues.ts';
import { gateCampaignJob } from '../../shared/use-cases/campaign-controls.ts';
import { deliverJob } from '../../shared/use-cases/deliver-job.ts';
import { deliveryJobMessage } from '../contracts.ts';
import { lambdaPorts } from '../lambda-ports.ts';
import { processBatch } from '../sqs-batch.ts';

/** SQS consumer of the delivery queue: many recipients of one push per message. */
export const createDeliveryWorker = (ports: () => HeraldPorts, metrics = processMetrics) =>
  observed(
    async (event: SQSEvent, context: Context) => {
      const deps = meteredPorts(ports(), metrics);
      return processBatch(
        event,
        deliveryJobMessage,
        { deadLetters: deps.deliveryDeadLetters, redelivery: deps.redelivery },
        (job, record) =>
          logger.withCorrelationId(job.eventId, async () => {
            const timeLeftMs = () => context.getRemainingTimeInMillis();
            const lastAttempt =
              Number(record.attributes.ApproximateReceiveCount) >= (deliveryQueue.maxReceiveCount ?? 5);
            // A campaign's job asks its campaign first: paused, it is parked; cancelled, settled.
            if (job.campaign && deps.campaigns) {
              const gate = await gateCampaignJob(job, { ...deps, campaigns: deps.campaigns });
              if (gate !== 'deliver')
                return logger.info('campaign job not delivered', { jobId: job.jobId, gate });
            }
            const result = await requestMeter.within(job.recipeId, () =>
              deliverJob(job, { ...deps, timeLeftMs, lastAttempt }),
            );
            recordCanaryLatency(job, result.delivered, deps.clock, metrics);
            logger.info('job delivered', { jobId: job.jobId, ...result });
          }),
      );
    },
    { name: 'delivery-worker', metrics },
  );

export const handler = meteredInvocation(createDeliveryWorker(lambdaPorts), {
  costs: () => lambdaPorts().costs,
});
