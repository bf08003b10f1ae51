import {
  CreatePlatformEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointAttributesCommand,
  SetEndpointAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbDeviceDirectory } from '../../shared/adapters/dynamodb/device-directory.ts';
import { SnsPushGateway } from '../../shared/adapters/sns/sns-push-gateway.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { devicesTable } from '../../shared/resources/tables.ts';
import { purgeStaleDevices } from '../../shared/use-cases/purge-stale-devices.ts';
import { registerDevice } from '../../shared/use-cases/register-device.ts';
import { unregisterDevice } from '../../shared/use-cases/unregister-device.ts';
import { documentClientOf, dynamoDbClient, freshTable } from '../support/engines.ts';

// The device registry end to end below the handler: DynamoDB Local for the Devices table, and
// SNS checked on the exact requests it receives (it has no local engine).
const sns = mockClient(SNSClient);
const client = dynamoDbClient();
const app = 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald';
const arn = (n: number) => `arn:aws:sns:us-east-1:123456789012:endpoint/APNS/herald/${n}`;
const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
let deps: {
  devices: DynamoDbDeviceDirectory;
  gateway: SnsPushGateway;
  clock: ManualClock;
};

const amyPhone = {
  userId: 'amy',
  platform: 'APNS' as const,
  token: 'apns-token-1',
  installationId: 'install-1',
};
const stored = async (userId = 'amy') => (await deps.devices.devicesOf([userId])).get(userId) ?? [];
const sent = (command: Parameters<typeof sns.commandCalls>[0]) =>
  sns.commandCalls(command).map((c) => c.args[0].input);
/** SNS holds endpoint `n` with this token and state. */
const snsHolds = (n: number, token: string, enabled = true) =>
  sns
    .on(GetEndpointAttributesCommand, { EndpointArn: arn(n) })
    .resolves({ Attributes: { Token: token, Enabled: String(enabled) } });

describe('device registry: register, unregister, purge (DynamoDB Local + SNS requests)', () => {
  beforeEach(async () => {
    sns.reset();
    deps = {
      devices: new DynamoDbDeviceDirectory(documentClientOf(client), await freshTable(client, devicesTable)),
      gateway: new SnsPushGateway(new SNSClient({ region: 'us-east-1' }), { default: { APNS: app } }),
      clock,
    };
  });
  afterAll(() => client.destroy());

  it('a phone passed to another account stops getting the pushes of the first', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(8) });
    snsHolds(8, 'apns-token-shared');

    await registerDevice({ userId: 'amy', platform: 'APNS', token: 'apns-token-shared' }, deps);
    await registerDevice({ userId: 'ben', platform: 'APNS', token: 'apns-token-shared' }, deps);

    expect(await stored('amy')).toEqual([]);
    expect((await stored('ben')).map((d) => d.endpointArn)).toEqual([arn(8)]);
  });

  it('one phone registered first by token, then with its installation id, stays one device', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(7) });
    snsHolds(7, 'apns-token-1');

    await registerDevice({ userId: 'amy', platform: 'APNS', token: 'apns-token-1' }, deps);
    const second = await registerDevice(amyPhone, deps);

    expect((await stored()).map((d) => [d.deviceId, d.endpointArn])).toEqual([[second.deviceId, arn(7)]]);
  });

  it('registers a new device: creates the endpoint, checks it, stores the device enabled', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(1) });
    snsHolds(1, 'apns-token-1');

    const result = await registerDevice(amyPhone, deps);

    expect(result).toMatchObject({ endpointArn: arn(1), status: 'created' });
    expect(sent(CreatePlatformEndpointCommand)).toEqual([
      { PlatformApplicationArn: app, Token: 'apns-token-1', CustomUserData: 'amy' },
    ]);
    expect(sent(GetEndpointAttributesCommand)).toEqual([{ EndpointArn: arn(1) }]);
    expect(sent(SetEndpointAttributesCommand)).toEqual([]);
    expect(await stored()).toEqual([
      {
        deviceId: result.deviceId,
        app: 'default',
        platform: 'APNS',
        token: 'apns-token-1',
        endpointArn: arn(1),
        enabled: true,
        lastSeen: clock.now(),
      },
    ]);
  });

  it('is idempotent for the same token: no new endpoint, no change, one device', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(1) });
    snsHolds(1, 'apns-token-1');
    const first = await registerDevice(amyPhone, deps);
    sns.resetHistory();

    const again = await registerDevice(amyPhone, deps);

    expect(again).toEqual({ ...first, status: 'unchanged' });
    expect(sent(CreatePlatformEndpointCommand)).toEqual([]);
    expect(sent(SetEndpointAttributesCommand)).toEqual([]);
    expect(await stored()).toHaveLength(1);
  });

  it('a rotated token updates the same device and its endpoint', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(1) });
    snsHolds(1, 'apns-token-1');
    const first = await registerDevice(amyPhone, deps);
    sns.resetHistory();

    const rotated = await registerDevice({ ...amyPhone, token: 'apns-token-2' }, deps);

    expect(rotated).toEqual({ deviceId: first.deviceId, endpointArn: arn(1), status: 'updated' });
    expect(sent(CreatePlatformEndpointCommand)).toEqual([]);
    expect(sent(SetEndpointAttributesCommand)).toEqual([
      { EndpointArn: arn(1), Attributes: { Token: 'apns-token-2', Enabled: 'true', CustomUserData: 'amy' } },
    ]);
    expect((await stored()).map((d) => [d.deviceId, d.token])).toEqual([[first.deviceId, 'apns-token-2']]);
  });

  it('re-enables a device the platform had disabled, in SNS and in the table', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(1) });
    snsHolds(1, 'apns-token-1');
    const { deviceId } = await registerDevice(amyPhone, deps);
    await deps.devices.disable('amy', deviceId, 'EndpointDisabled');
    sns.reset();
    snsHolds(1, 'apns-token-1', false);
    sns.on(SetEndpointAttributesCommand).resolves({});

    const result = await registerDevice(amyPhone, deps);

    expect(result.status).toBe('updated');
    expect(sent(SetEndpointAttributesCommand)).toEqual([
      { EndpointArn: arn(1), Attributes: { Token: 'apns-token-1', Enabled: 'true', CustomUserData: 'amy' } },
    ]);
    expect((await stored())[0]).toMatchObject({ enabled: true });
    expect((await stored())[0]?.disabledReason).toBeUndefined();
  });

  it('re-enables the endpoint SNS hands back for a token it already knew, disabled', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(7) });
    snsHolds(7, 'apns-token-1', false);

    const result = await registerDevice(amyPhone, deps);

    expect(result.status).toBe('created');
    expect(sent(SetEndpointAttributesCommand)).toEqual([
      { EndpointArn: arn(7), Attributes: { Token: 'apns-token-1', Enabled: 'true', CustomUserData: 'amy' } },
    ]);
  });

  it('recreates an endpoint SNS no longer has', async () => {
    sns
      .on(CreatePlatformEndpointCommand)
      .resolvesOnce({ EndpointArn: arn(1) })
      .resolves({ EndpointArn: arn(2) });
    snsHolds(1, 'apns-token-1');
    await registerDevice(amyPhone, deps);
    sns
      .on(GetEndpointAttributesCommand, { EndpointArn: arn(1) })
      .rejects(Object.assign(new Error('Endpoint does not exist'), { name: 'NotFoundException' }));

    const result = await registerDevice(amyPhone, deps);

    expect(result).toMatchObject({ endpointArn: arn(2), status: 'recreated' });
    expect((await stored()).map((d) => d.endpointArn)).toEqual([arn(2)]);
  });

  it('unregisters: removes the device, then deletes its endpoint; an unknown device is absent', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: arn(1) });
    snsHolds(1, 'apns-token-1');
    const { deviceId } = await registerDevice(amyPhone, deps);

    const removed = await unregisterDevice({ userId: 'amy', deviceId }, deps);
    const absent = await unregisterDevice({ userId: 'amy', deviceId }, deps);

    expect([removed.status, absent.status]).toEqual(['removed', 'absent']);
    expect(sent(DeleteEndpointCommand)).toEqual([{ EndpointArn: arn(1) }]);
    expect(await stored()).toEqual([]);
  });

  it('purges devices unseen for the configured time, and their endpoints; recent devices stay', async () => {
    const registerAt = async (at: string, userId: string, token: string, n: number) => {
      clock.advanceTo(new Date(at));
      sns.on(CreatePlatformEndpointCommand, { Token: token }).resolves({ EndpointArn: arn(n) });
      snsHolds(n, token);
      await registerDevice({ userId, platform: 'APNS', token }, deps);
    };
    await registerAt('2027-01-01T00:00:00Z', 'amy', 'apns-old-amy', 1);
    await registerAt('2027-01-02T00:00:00Z', 'ben', 'apns-old-ben', 2);
    await registerAt('2027-04-01T00:00:00Z', 'amy', 'apns-new-amy', 3);
    clock.advanceTo(new Date('2027-04-20T00:00:00Z'));

    const result = await purgeStaleDevices({ maxAgeDays: 90, segments: 2 }, deps);

    expect(result).toEqual({ candidates: 2, purged: 2, complete: true });
    expect(
      sent(DeleteEndpointCommand)
        .map((i) => i.EndpointArn)
        .sort(),
    ).toEqual([arn(1), arn(2)]);
    expect((await stored('amy')).map((d) => d.token)).toEqual(['apns-new-amy']);
    expect(await stored('ben')).toEqual([]);
    expect(await purgeStaleDevices({ maxAgeDays: 90 }, deps)).toEqual({
      candidates: 0,
      purged: 0,
      complete: true,
    });
  });
});
