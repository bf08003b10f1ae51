import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDeviceDirectory } from '../../shared/adapters/dynamodb/device-directory.ts';
import type { Device, StaleCandidate } from '../../shared/domain/push/device.ts';
import { devicesTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
const doc = documentClientOf(client);
let tableName: string;
let devices: DynamoDbDeviceDirectory;

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n));
const device = (deviceId: string, seenOnDay: number, overrides: Partial<Device> = {}): Device => ({
  deviceId,
  app: 'default',
  platform: 'FCM',
  token: `token-${deviceId}`,
  endpointArn: `arn:aws:sns:us-east-1:1:endpoint/GCM/app/${deviceId}`,
  enabled: true,
  lastSeen: day(seenOnDay),
  ...overrides,
});
const itemOf = async (userId: string) =>
  (await doc.send(new GetCommand({ TableName: tableName, Key: { pk: userId } }))).Item;
const candidates = async (cutoff: Date, total = 3) => {
  const found: StaleCandidate[] = [];
  for (let index = 0; index < total; index++) {
    for await (const page of devices.staleCandidates(cutoff, { index, total })) found.push(...page);
  }
  return found.sort((a, b) => a.userId.localeCompare(b.userId));
};

describe('DynamoDbDeviceDirectory on DynamoDB Local', () => {
  beforeEach(async () => {
    tableName = await freshTable(client, devicesTable);
    devices = new DynamoDbDeviceDirectory(doc, tableName);
  });
  afterAll(() => client.destroy());

  it('keeps a lower bound of last-seen times without a read: seeing the oldest device again leaves it for the purge to correct', async () => {
    await devices.save('amy', device('d1', 10));
    await devices.save('amy', device('d2', 20));
    await devices.save('amy', device('d1', 30));

    expect((await itemOf('amy'))?.oldestSeen).toBe(day(10).getTime());
  });

  it('lets two first registrations of one user race without losing either device', async () => {
    await Promise.all([devices.save('eve', device('d1', 1)), devices.save('eve', device('d2', 1))]);

    expect(
      (await devices.devicesOf(['eve']))
        .get('eve')
        ?.map((d) => d.deviceId)
        .sort(),
    ).toEqual(['d1', 'd2']);
  });

  it('removes one device, and removing a device or a user that is not there does nothing', async () => {
    await devices.save('amy', device('d1', 1));
    await devices.save('amy', device('d2', 1));

    await devices.remove('amy', 'd1');
    await devices.remove('amy', 'd1');
    await devices.remove('nobody', 'd1');

    expect((await devices.devicesOf(['amy', 'nobody'])).get('amy')?.map((d) => d.deviceId)).toEqual(['d2']);
  });

  it('scans, in parallel segments, only users whose bound is older than the cutoff', async () => {
    await devices.save('amy', device('a1', 1));
    await devices.save('amy', device('a2', 50));
    await devices.save('ben', device('b1', 60));
    await devices.save('cai', device('c1', 5));

    const found = await candidates(day(30));

    expect(found.map((c) => [c.userId, c.devices.map((d) => d.deviceId).sort()])).toEqual([
      ['amy', ['a1', 'a2']],
      ['cai', ['c1']],
    ]);
  });

  it('removes stale devices and sets the exact bound from those kept', async () => {
    const [old, recent] = [device('a1', 1), device('a2', 50)];
    await devices.save('amy', old);
    await devices.save('amy', recent);

    const removed = await devices.removeStale('amy', [old], [recent]);

    expect(removed).toBe(true);
    expect((await devices.devicesOf(['amy'])).get('amy')?.map((d) => d.deviceId)).toEqual(['a2']);
    expect((await itemOf('amy'))?.oldestSeen).toBe(day(50).getTime());
    expect(await candidates(day(30))).toEqual([]);
  });

  it('drops the bound with the last device, so the scan stops returning the user', async () => {
    const old = device('c1', 5);
    await devices.save('cai', old);

    expect(await devices.removeStale('cai', [old], [])).toBe(true);

    expect((await itemOf('cai'))?.oldestSeen).toBeUndefined();
    expect(await candidates(day(30))).toEqual([]);
  });

  it('refuses when a stale device was seen again or a device was added meanwhile', async () => {
    const old = device('a1', 1);
    await devices.save('amy', old);
    await devices.save('amy', device('a1', 40));
    await devices.save('ben', device('b1', 1));
    await devices.save('ben', device('b2', 40));

    expect(await devices.removeStale('amy', [old], [])).toBe(false);
    expect(await devices.removeStale('ben', [device('b1', 1)], [])).toBe(false);
    expect((await devices.devicesOf(['amy', 'ben'])).get('ben')).toHaveLength(2);
  });
});
