import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WorkLeaseResult, WorkLeases } from '../../domain/work-leases.ts';
import { isConditionFailure } from './errors.ts';

/** Lease items outlive any redelivery of their unit of work, like the ledger's batch markers. */
const LIFETIME_SECONDS = 14 * 86_400;

export interface WorkLeaseOptions {
  /** Key prefix of this kind of work in the Ledger table: `delivery`, `fanout`. */
  readonly kind: string;
  /** The error `save` throws when the lease passed to another worker. */
  readonly lost: (id: string) => Error;
}

/**
 * Leases and checkpoints in the Ledger table, one item per unit of work: the lease (owner, until)
 * and the last checkpoint. Leases run on wall-clock time, never a simulation's clock: they are
 * about worker processes, not about the domain's time.
 */
export class DynamoDbWorkLeases<C> implements WorkLeases<C> {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #options: WorkLeaseOptions;
  readonly #now: () => number;

  constructor(
    client: DynamoDBDocumentClient,
    tableName: string,
    options: WorkLeaseOptions,
    now: () => number = Date.now,
  ) {
    this.#client = client;
    this.#tableName = tableName;
    this.#options = options;
    this.#now = now;
  }

  #key(id: string) {
    return { pk: `${this.#options.kind}#${id}` };
  }

  async acquire(id: string, owner: string, leaseMs: number): Promise<WorkLeaseResult<C>> {
    try {
      const checkpoint = await this.#take(id, owner, leaseMs, true);
      return checkpoint === undefined ? { status: 'acquired' } : { status: 'acquired', checkpoint };
    } catch (error) {
      if (isConditionFailure(error)) return { status: 'busy' };
      throw error;
    }
  }

  async save(id: string, owner: string, checkpoint: C): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#key(id),
          UpdateExpression: 'SET #checkpoint = :checkpoint',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeNames: { '#checkpoint': 'checkpoint' },
          ExpressionAttributeValues: { ':checkpoint': checkpoint, ':owner': owner },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw this.#options.lost(id);
      throw error;
    }
  }

  async seize(id: string, owner: string, leaseMs: number): Promise<C | undefined> {
    return this.#take(id, owner, leaseMs, false);
  }

  /** Writes `owner` into the lease (only if it ran out, when `ifFree`) and returns the checkpoint. */
  async #take(id: string, owner: string, leaseMs: number, ifFree: boolean): Promise<C | undefined> {
    const now = this.#now();
    const out = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: this.#key(id),
        UpdateExpression:
          'SET leaseOwner = :owner, leaseUntil = :until, expiresAt = if_not_exists(expiresAt, :expires)',
        ...(ifFree ? { ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now' } : {}),
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': now + leaseMs,
          ':expires': Math.floor(now / 1000) + LIFETIME_SECONDS,
          ...(ifFree ? { ':now': now } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes?.checkpoint as C | undefined;
  }

  async release(id: string, owner: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: this.#key(id),
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
