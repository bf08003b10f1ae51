import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbCampaignStore } from '../../shared/adapters/dynamodb/campaign-store.ts';
import { DynamoDbDeviceDirectory } from '../../shared/adapters/dynamodb/device-directory.ts';
import { DynamoDbDeviceHolders } from '../../shared/adapters/dynamodb/device-holders.ts';
import { S3UserLists } from '../../shared/adapters/lists/s3-user-lists.ts';
import { parseCampaign } from '../../shared/domain/campaigns/campaign.ts';
import { newCampaignState, transition } from '../../shared/domain/campaigns/lifecycle.ts';
import { CampaignChangedError, CampaignExistsError } from '../../shared/domain/campaigns/store.ts';
import type { DeliveryJob } from '../../shared/domain/push/delivery-job.ts';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { campaignsTable, devicesTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
const at = new Date('2026-11-21T10:00:00Z');
const campaign = parseCampaign({
  id: 'winter-sale',
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push: { title: 't', body: 'b' },
});

describe('campaign adapters on the local engines', () => {
  let store: DynamoDbCampaignStore;
  let devices: DynamoDbDeviceDirectory;
  let holders: DynamoDbDeviceHolders;
  beforeAll(async () => {
    const doc = documentClientOf(client);
    store = new DynamoDbCampaignStore(doc, await freshTable(client, campaignsTable));
    const devicesName = await freshTable(client, devicesTable);
    devices = new DynamoDbDeviceDirectory(doc, devicesName);
    holders = new DynamoDbDeviceHolders(doc, devicesName);
  });
  afterAll(() => client.destroy());

  it('keeps a campaign, refuses a second with its id and a write from a stale read', async () => {
    const draft = newCampaignState(campaign, 'ops-lea', at);
    await store.create(draft);
    await expect(store.create(draft)).rejects.toThrow(CampaignExistsError);
    const started = transition(draft, 'start', 'ops-lea', at);
    await store.save(started);
    await expect(store.save(started)).rejects.toThrow(CampaignChangedError);
    expect(await store.get('winter-sale')).toEqual(started);
    expect((await store.list()).map((s) => s.campaign.id)).toEqual(['winter-sale']);
    expect(await store.get('nothing')).toBeUndefined();
  });

  it('counts finished readers once each, and parks and unparks jobs', async () => {
    expect(await store.sliceFinished('winter-sale', 'r1', 'task-0')).toBe(1);
    expect(await store.sliceFinished('winter-sale', 'r1', 'task-0')).toBe(1);
    expect(await store.sliceFinished('winter-sale', 'r1', 'task-1')).toBe(2);
    expect(await store.finishedReaders('winter-sale', 'r1')).toBe(2);
    expect(await store.finishedReaders('winter-sale', 'r2')).toBe(0);
    const job = { jobId: 'j1', userIds: ['a'], campaign: 'winter-sale' } as unknown as DeliveryJob;
    await store.park('winter-sale', job);
    await store.park('winter-sale', { ...job, jobId: 'j2' });
    expect((await store.parked('winter-sale')).map((j) => j.jobId)).toEqual(['j1', 'j2']);
    await store.unpark('winter-sale', ['j1', 'j2']);
    expect(await store.parked('winter-sale')).toEqual([]);
    // The list still holds one campaign: run and parked items are not campaigns.
    expect(await store.list()).toHaveLength(1);
  });

  it('reads every holder once over parallel Scan segments, resuming after a cursor, without token items', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `user-${i}`);
    for (const id of ids)
      await devices.save(id, {
        deviceId: `d-${id}`,
        app: 'default',
        platform: 'FCM',
        token: `token-${id}-0001`,
        endpointArn: `arn:aws:sns:us-east-1:1:endpoint/GCM/app/${id}`,
        enabled: true,
        lastSeen: at,
      });
    await devices.claimToken('d-user-1', 'user-1');
    const read: string[] = [];
    for (let index = 0; index < 3; index++) {
      let after: string | undefined;
      do {
        const page = await holders.holders({ index, total: 3 }, after, 50);
        read.push(...page.holders.map((h) => h.userId));
        expect(page.holders.every((h) => h.devices.length === 1)).toBe(true);
        after = page.next;
      } while (after !== undefined);
    }
    expect(read.sort()).toEqual([...ids].sort());
    expect(await holders.approximateCount()).toBeGreaterThanOrEqual(120);
  });

  it('pages an S3 list by ranged GETs (fauxqs S3)', async () => {
    const s3 = new S3Client({
      endpoint: inject('sqsEndpoint'),
      region: localRegion,
      credentials: localCredentials,
      forcePathStyle: true,
    });
    const bucket = `herald-lists-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const ids = Array.from({ length: 30_000 }, (_, i) => `customer-${i}`);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'vip.txt', Body: `${ids.join('\n')}\n` }));
    const lists = new S3UserLists(s3);
    const read: string[] = [];
    let after: string | undefined;
    do {
      const page = await lists.page(`s3://${bucket}/vip.txt`, after, 10_000);
      read.push(...page.userIds);
      after = page.next;
    } while (after !== undefined);
    expect(read).toEqual(ids);
    await expect(lists.page('herald-lists/vip.txt', undefined, 10)).rejects.toThrow(
      'expected s3://bucket/key',
    );
    s3.destroy();
  });
});
