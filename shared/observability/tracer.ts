import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The one X-Ray tracer. Outside Lambda (the local runtime, tests) Powertools leaves tracing off,
 * and every call below does nothing.
 */
export const tracer = new Tracer({ serviceName: 'herald' });

/**
 * An AWS SDK v3 client whose every request becomes an X-Ray subsegment.
 *
 * @example
 * const sqs = traced(new SQSClient(config));
 */
export const traced = <T extends object>(client: T): T => tracer.captureAWSv3Client(client);
