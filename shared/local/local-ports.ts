import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsPorts, type InjectedPorts, resourceNamesOf } from '../adapters/aws-ports.ts';
import type { Redelivery } from '../domain/ports.ts';
import type { HeraldPorts } from '../herald-ports.ts';
import { requestMeter } from '../observability/request-meter.ts';
import { allQueues } from '../resources/queues.ts';
import { tables } from '../resources/tables.ts';
import { type LocalEngines, localCredentials, localRegion } from './engines.ts';
import { provisionQueues, provisionTables } from './provision.ts';

export interface LocalPorts {
  readonly ports: HeraldPorts;
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
  /** Queue URLs by definition id. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Table names by definition id. */
  readonly tableNames: Readonly<Record<string, string>>;
  close(): void;
}

/**
 * Locally SqsPoller plays the event source mapping and hands every failed message back after a
 * second (its `retryAfterSeconds`), after the handler returns: it would override any visibility
 * the worker set. Asking as well would change nothing but add a request per failure, so local
 * runs keep their timing and request counts.
 */
const handedBackByThePoller: Redelivery = { redeliverAfter: async () => undefined };

/**
 * Fresh tables and queues (from the shared definitions, under a unique prefix so that several
 * runtimes can share one pair of engines) and every port wired to them, as on AWS.
 */
export const provisionLocalPorts = async (
  engines: LocalEngines,
  injected: InjectedPorts,
  options: { timeToLive: boolean } = { timeToLive: false },
): Promise<LocalPorts> => {
  const common = { region: localRegion, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: engines.dynamodbEndpoint });
  const sqs = new SQSClient({ ...common, endpoint: engines.sqsEndpoint });
  requestMeter.attach(dynamodb, 'dynamodb');
  requestMeter.attach(sqs, 'sqs');
  const prefix = `herald-${randomUUID().slice(0, 8)}-`;
  const [tableNames, queueUrls] = await Promise.all([
    provisionTables(dynamodb, tables, prefix, options),
    provisionQueues(sqs, allQueues, prefix),
  ]);
  const ports = awsPorts(
    resourceNamesOf(
      (id) => tableNames[id]!,
      (id) => queueUrls[id]!,
    ),
    {
      dynamodb: DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      sqs,
    },
    injected,
  );
  return {
    ports: { ...ports, redelivery: handedBackByThePoller },
    dynamodb,
    sqs,
    queueUrls,
    tableNames,
    close: () => {
      dynamodb.destroy();
      sqs.destroy();
    },
  };
};
