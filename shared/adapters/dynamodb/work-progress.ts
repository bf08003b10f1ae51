import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type FanoutCheckpoint, FanoutTaskBusyError } from '../../domain/audience/fanout-progress.ts';
import { type DeliveryCheckpoint, DeliveryJobBusyError } from '../../domain/push/delivery-progress.ts';
import { DynamoDbWorkLeases } from './work-leases.ts';

/** Delivery jobs' leases and checkpoints, in the Ledger table under `delivery#<jobId>`. */
export class DynamoDbDeliveryProgress extends DynamoDbWorkLeases<DeliveryCheckpoint> {
  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    super(
      client,
      tableName,
      { kind: 'delivery', lost: (id) => new DeliveryJobBusyError(id, 'its lease passed to another worker') },
      now,
    );
  }
}

/** Fan-out tasks' leases and checkpoints, in the Ledger table under `fanout#<taskId>`. */
export class DynamoDbFanoutProgress extends DynamoDbWorkLeases<FanoutCheckpoint> {
  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    super(
      client,
      tableName,
      { kind: 'fanout', lost: (id) => new FanoutTaskBusyError(id, 'its lease passed to another worker') },
      now,
    );
  }
}
