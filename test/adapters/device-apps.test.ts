import { CreatePlatformEndpointCommand, GetEndpointAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDeviceDirectory } from '../../shared/adapters/dynamodb/device-directory.ts';
import { SnsPushGateway } from '../../shared/adapters/sns/sns-push-gateway.ts';
import { deviceIdOf } from '../../shared/domain/push/device.ts';
import { PlatformNotConfiguredError } from '../../shared/domain/push/push-gateway.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { devicesTable } from '../../shared/resources/tables.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

// Devices of several apps: DynamoDB Local for the Devices table, SNS checked on its exact requests.
const sns = mockClient(SNSClient);
const client = dynamoDbClient();
const doc = documentClientOf(client);
const application = (app: string) => `arn:aws:sns:us-east-1:123456789012:app/GCM/${app}`;
const endpointOf = (app: string, n: number) => `arn:aws:sns:us-east-1:123456789012:endpoint/GCM/${app}/${n}`;
const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
let tableName: string;
let deps: { devices: DynamoDbDeviceDirectory; gateway: SnsPushGateway; clock: ManualClock };

const itemOf = async (userId: string) =>
  (await doc.send(new GetCommand({ TableName: tableName, Key: { pk: userId } }))).Item;
const stored = async (userId: string) => (await deps.devices.devicesOf([userId])).get(userId) ?? [];
/** SNS creates endpoint `n` in whichever application it is asked, and holds it enabled with `token`. */
const snsCreates = (app: string, n: number, token: string) => {
  sns
    .on(CreatePlatformEndpointCommand, { PlatformApplicationArn: application(app), Token: token })
    .resolves({ EndpointArn: endpointOf(app, n) });
  sns
    .on(GetEndpointAttributesCommand, { EndpointArn: endpointOf(app, n) })
    .resolves({ Attributes: { Token: token, Enabled: 'true' } });
};

describe('devices of several apps (DynamoDB Local + SNS requests)', () => {
  beforeEach(async () => {
    sns.reset();
    tableName = await freshTable(client, devicesTable);
    deps = {
      devices: new DynamoDbDeviceDirectory(doc, tableName),
      gateway: new SnsPushGateway(new SNSClient({ region: 'us-east-1' }), {
        default: { FCM: application('market') },
        shop: { FCM: application('shop') },
      }),
      clock,
    };
  });
  afterAll(() => client.destroy());

  it('registers a user’s device of each app through that app’s platform application, as two devices', async () => {
    snsCreates('market', 1, 'fcm-token-amy-market');
    snsCreates('shop', 2, 'fcm-token-amy-shop');

    const market = await registerDevice(
      { userId: 'amy', platform: 'FCM', token: 'fcm-token-amy-market' },
      deps,
    );
    const shop = await registerDevice(
      { userId: 'amy', app: 'shop', platform: 'FCM', token: 'fcm-token-amy-shop' },
      deps,
    );

    expect(
      sns.commandCalls(CreatePlatformEndpointCommand).map((c) => c.args[0].input.PlatformApplicationArn),
    ).toEqual([application('market'), application('shop')]);
    expect((await stored('amy')).map((d) => [d.app, d.deviceId, d.endpointArn]).sort()).toEqual([
      ['default', market.deviceId, endpointOf('market', 1)],
      ['shop', shop.deviceId, endpointOf('shop', 2)],
    ]);
    // The default app's devices are stored as before apps existed; the others name their app.
    expect(
      Object.values((await itemOf('amy'))!.devices)
        .map((d) => (d as { app?: string }).app)
        .sort(),
    ).toEqual(['shop', undefined]);
  });

  it('keeps the devices of two apps apart even under one token: neither replaces the other', async () => {
    snsCreates('market', 1, 'fcm-token-same');
    snsCreates('shop', 2, 'fcm-token-same');

    const market = await registerDevice({ userId: 'amy', platform: 'FCM', token: 'fcm-token-same' }, deps);
    const shop = await registerDevice(
      { userId: 'amy', app: 'shop', platform: 'FCM', token: 'fcm-token-same' },
      deps,
    );
    const again = await registerDevice({ userId: 'amy', platform: 'FCM', token: 'fcm-token-same' }, deps);

    expect(shop.deviceId).not.toBe(market.deviceId);
    expect(again).toMatchObject({ deviceId: market.deviceId, status: 'unchanged' });
    expect((await stored('amy')).map((d) => d.app).sort()).toEqual(['default', 'shop']);
  });

  it('reads a device stored before apps existed as the default app’s, and registers it again unchanged', async () => {
    const token = 'fcm-token-old-phone';
    const deviceId = await deviceIdOf('FCM', token);
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'ben',
          oldestSeen: clock.now().getTime(),
          devices: {
            [deviceId]: {
              platform: 'FCM',
              token,
              endpointArn: endpointOf('market', 7),
              enabled: true,
              lastSeen: clock.now().getTime(),
            },
          },
        },
      }),
    );
    sns
      .on(GetEndpointAttributesCommand, { EndpointArn: endpointOf('market', 7) })
      .resolves({ Attributes: { Token: token, Enabled: 'true' } });

    const again = await registerDevice({ userId: 'ben', platform: 'FCM', token }, deps);

    expect(await stored('ben')).toEqual([
      expect.objectContaining({ deviceId, app: 'default', endpointArn: endpointOf('market', 7) }),
    ]);
    expect(again).toEqual({ deviceId, endpointArn: endpointOf('market', 7), status: 'unchanged' });
    expect(sns.commandCalls(CreatePlatformEndpointCommand)).toHaveLength(0);
  });

  it('refuses an app with no applications, naming the field, without calling SNS', async () => {
    const attempt = registerDevice(
      { userId: 'amy', app: 'games', platform: 'FCM', token: 'fcm-token-1' },
      deps,
    );

    await expect(attempt).rejects.toThrow(PlatformNotConfiguredError);
    await expect(attempt).rejects.toThrow('app: "games" has no SNS platform applications in this deployment');
    expect(sns.calls()).toHaveLength(0);
    expect(await stored('amy')).toEqual([]);
  });

  it('refuses a platform an app has no application for, naming the app', async () => {
    const attempt = registerDevice(
      { userId: 'amy', app: 'shop', platform: 'APNS', token: 'apns-token-1' },
      deps,
    );

    await expect(attempt).rejects.toThrow(
      'platform: no SNS platform application is configured for APNS of app "shop"',
    );
  });
});
