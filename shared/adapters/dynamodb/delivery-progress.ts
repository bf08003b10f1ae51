import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DeliveryCheckpoint,
  DeliveryJobBusyError,
  type DeliveryProgress,
  type LeaseResult,
} from '../../domain/push/delivery-progress.ts';
import { isConditionFailure } from './errors.ts';

/** Progress items outlive any redelivery of their job, like the ledger's batch markers. */
const LIFETIME_SECONDS = 14 * 86_400;

const keyOf = (jobId: string) => ({ pk: `delivery#${jobId}` });

/**
 * Delivery progress in the Ledger table, one item per job: the lease (owner, until) and the last
 * checkpoint. Leases run on wall-clock time, never a simulation's clock: they are about worker
 * processes, not about the domain's time.
 */
export class DynamoDbDeliveryProgress implements DeliveryProgress {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => number;

  constructor(client: DynamoDBDocumentClient, tableName: string, now: () => number = Date.now) {
    this.#client = client;
    this.#tableName = tableName;
    this.#now = now;
  }

  async acquire(jobId: string, owner: string, leaseMs: number): Promise<LeaseResult> {
    const now = this.#now();
    try {
      const out = await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: keyOf(jobId),
          UpdateExpression:
            'SET leaseOwner = :owner, leaseUntil = :until, expiresAt = if_not_exists(expiresAt, :expires)',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': now + leaseMs,
            ':now': now,
            ':expires': Math.floor(now / 1000) + LIFETIME_SECONDS,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = out.Attributes ?? {};
      if (typeof item.cursor !== 'number') return { status: 'acquired' };
      const checkpoint: DeliveryCheckpoint = {
        cursor: item.cursor,
        inFlightUntil: item.inFlightUntil as number,
        counts: (item.counts ?? []) as DeliveryCheckpoint['counts'],
        owed: (item.owed ?? []) as DeliveryCheckpoint['owed'],
      };
      return { status: 'acquired', checkpoint };
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'busy' };
      throw error;
    }
  }

  async save(jobId: string, owner: string, checkpoint: DeliveryCheckpoint): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: keyOf(jobId),
          UpdateExpression:
            'SET #cursor = :cursor, inFlightUntil = :inFlight, #counts = :counts, owed = :owed',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#cursor': 'cursor', '#counts': 'counts' },
          ExpressionAttributeValues: {
            ':cursor': checkpoint.cursor,
            ':inFlight': checkpoint.inFlightUntil,
            ':counts': checkpoint.counts,
            ':owed': checkpoint.owed,
            ':owner': owner,
          },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw new DeliveryJobBusyError(jobId, 'its lease passed to another worker');
      throw error;
    }
  }

  async release(jobId: string, owner: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: keyOf(jobId),
          UpdateExpression: 'SET leaseUntil = :zero',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
        }),
      );
    } catch (error) {
      // Someone else holds it now: nothing of ours to release.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
