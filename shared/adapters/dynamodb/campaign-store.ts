import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CampaignState } from '../../domain/campaigns/lifecycle.ts';
import {
  CampaignChangedError,
  CampaignExistsError,
  type CampaignStore,
} from '../../domain/campaigns/store.ts';
import type { DeliveryJob } from '../../domain/push/delivery-job.ts';
import { isConditionFailure } from './errors.ts';

const STATE = 'state';
const PARKED = 'parked#';

/** The state as stored: JSON, beside the version that conditional writes compare. */
const stateItem = (state: CampaignState) => ({
  pk: state.campaign.id,
  sk: STATE,
  version: state.version,
  state: JSON.stringify(state),
});

/**
 * Campaigns on their own table: per campaign a `state` item (the state as JSON, and its version
 * for conditional writes), a `run#<run>` item with the set of readers that finished, and one
 * `parked#<jobId>` item per job that came due while paused. Listing scans for the state items:
 * a team has hundreds of campaigns, not millions.
 */
export class DynamoDbCampaignStore implements CampaignStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async create(state: CampaignState): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: stateItem(state),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new CampaignExistsError(state.campaign.id);
      throw error;
    }
  }

  async get(campaignId: string): Promise<CampaignState | undefined> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { pk: campaignId, sk: STATE },
        ConsistentRead: true,
      }),
    );
    return out.Item ? (JSON.parse(String(out.Item.state)) as CampaignState) : undefined;
  }

  async save(state: CampaignState): Promise<void> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: stateItem(state),
          ConditionExpression: 'version = :previous',
          ExpressionAttributeValues: { ':previous': state.version - 1 },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new CampaignChangedError(state.campaign.id);
      throw error;
    }
  }

  async list(): Promise<CampaignState[]> {
    const states: CampaignState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new ScanCommand({
          TableName: this.#tableName,
          FilterExpression: 'sk = :state',
          ExpressionAttributeValues: { ':state': STATE },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) states.push(JSON.parse(String(item.state)) as CampaignState);
      start = out.LastEvaluatedKey;
    } while (start);
    return states.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async sliceFinished(campaignId: string, run: string, taskId: string): Promise<number> {
    const out = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: campaignId, sk: `run#${run}` },
        UpdateExpression: 'ADD finished :task',
        ExpressionAttributeValues: { ':task': new Set([taskId]) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return (out.Attributes?.finished as Set<string> | undefined)?.size ?? 0;
  }

  async finishedReaders(campaignId: string, run: string): Promise<number> {
    const out = await this.#client.send(
      new GetCommand({
        TableName: this.#tableName,
        Key: { pk: campaignId, sk: `run#${run}` },
        ConsistentRead: true,
      }),
    );
    return (out.Item?.finished as Set<string> | undefined)?.size ?? 0;
  }

  async park(campaignId: string, job: DeliveryJob): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#tableName,
        Item: { pk: campaignId, sk: `${PARKED}${job.jobId}`, job: JSON.stringify(job) },
      }),
    );
  }

  async parked(campaignId: string): Promise<DeliveryJob[]> {
    const jobs: DeliveryJob[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :id AND begins_with(sk, :parked)',
          ExpressionAttributeValues: { ':id': campaignId, ':parked': PARKED },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) jobs.push(JSON.parse(String(item.job)) as DeliveryJob);
      start = out.LastEvaluatedKey;
    } while (start);
    return jobs;
  }

  async unpark(campaignId: string, jobIds: readonly string[]): Promise<void> {
    for (const jobId of jobIds)
      await this.#client.send(
        new DeleteCommand({ TableName: this.#tableName, Key: { pk: campaignId, sk: `${PARKED}${jobId}` } }),
      );
  }
}
