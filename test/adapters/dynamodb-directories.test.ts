import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDeviceDirectory } from '../../shared/adapters/dynamodb/device-directory.ts';
import { DynamoDbUserDirectory } from '../../shared/adapters/dynamodb/user-directory.ts';
import type { Device } from '../../shared/domain/push/device.ts';
import { devicesTable, usersTable } from '../../shared/resources/tables.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

const client = dynamoDbClient();
let users: DynamoDbUserDirectory;
let devices: DynamoDbDeviceDirectory;

const device = (deviceId: string, overrides: Partial<Device> = {}): Device => ({
  deviceId,
  app: 'default',
  platform: 'FCM',
  token: `token-${deviceId}`,
  endpointArn: `arn:aws:sns:us-east-1:1:endpoint/GCM/app/${deviceId}`,
  enabled: true,
  lastSeen: new Date('2026-11-21T10:00:00Z'),
  ...overrides,
});

describe('DynamoDB user and device directories on DynamoDB Local', () => {
  beforeAll(async () => {
    const doc = documentClientOf(client);
    users = new DynamoDbUserDirectory(doc, await freshTable(client, usersTable));
    devices = new DynamoDbDeviceDirectory(doc, await freshTable(client, devicesTable));
  });
  afterAll(() => client.destroy());

  it('reads profiles in batches larger than one BatchGetItem', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `user-${i}`);
    await Promise.all(
      ids.map((id, i) =>
        users.save({ id, timeZone: 'Asia/Shanghai', flags: i === 7 ? ['minor'] : [], optOuts: [] }),
      ),
    );

    const profiles = await users.profilesOf([...ids, 'nobody']);

    expect(profiles.size).toBe(150);
    expect(profiles.get('user-7')?.flags).toEqual(['minor']);
    expect(profiles.has('nobody')).toBe(false);
  });

  it('reads a profile whose time zone this runtime does not know as UTC, rather than failing its page', async () => {
    await users.save({ id: 'odd', timeZone: 'Mars/Olympus_Mons', flags: [], optOuts: [] });

    expect((await users.profilesOf(['odd'])).get('odd')?.timeZone).toBe('UTC');
  });

  it('keeps several devices per user and disables one', async () => {
    await devices.save('amy', device('d1'));
    await devices.save('amy', device('d2', { platform: 'APNS' }));
    await devices.save('ben', device('d3'));
    await devices.disable('amy', 'd1', 'EndpointDisabled');

    const found = await devices.devicesOf(['amy', 'ben', 'cai']);

    expect(
      found
        .get('amy')
        ?.map((d) => [d.deviceId, d.enabled, d.disabledReason ?? null])
        .sort(),
    ).toEqual([
      ['d1', false, 'EndpointDisabled'],
      ['d2', true, null],
    ]);
    expect(found.get('ben')?.map((d) => d.deviceId)).toEqual(['d3']);
    expect(found.has('cai')).toBe(false);
  });

  it('saving the same device again replaces it rather than adding one', async () => {
    await devices.save('dan', device('d9', { enabled: false }));
    await devices.save('dan', device('d9', { enabled: true }));

    expect((await devices.devicesOf(['dan'])).get('dan')?.map((d) => d.enabled)).toEqual([true]);
  });
});
