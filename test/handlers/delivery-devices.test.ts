import { SNSClient } from '@aws-sdk/client-sns';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevicePurge } from '../../functions/device-purge/handler.ts';
import { createDeviceRegistration } from '../../functions/device-registration/handler.ts';
import { SnsPushGateway } from '../../shared/adapters/sns/sns-push-gateway.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { DeviceSimulator } from '../../shared/local/device-simulator.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { sharedEngines } from '../support/engines.ts';

const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
const simulator = new DeviceSimulator(() => clock.now());
let local: LocalPorts;

/** A Function URL request as Lambda hands it over (payload format 2.0). */
const request = (method: string, body: unknown, base64 = false): LambdaFunctionURLEvent => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { http: { method, path: '/' } },
    body: base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: base64,
  } as unknown as LambdaFunctionURLEvent;
};
const call = async (method: string, body: unknown, base64 = false, ports = () => local.ports) => {
  const response = await createDeviceRegistration(ports)(
    request(method, body, base64),
    localContext('registry'),
  );
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') };
};
const devicesOf = async (userId: string) => (await local.ports.devices.devicesOf([userId])).get(userId) ?? [];

describe('device registration and purge handlers', () => {
  beforeAll(async () => {
    local = await provisionLocalPorts(sharedEngines(), {
      gateway: simulator,
      holds: new LocalHoldScheduler(),
      catalog: defaultCatalog(),
      policy: defaultPolicy,
      clock,
    });
  });
  afterAll(() => local.close());

  it('POST registers a device and answers its id; the same POST again changes nothing', async () => {
    const phone = { userId: 'amy', platform: 'APNS', token: 'apns-token-amy-1' };

    const first = await call('POST', phone);
    const again = await call('POST', phone, true);

    expect(first).toEqual({ status: 200, body: { deviceId: expect.any(String), status: 'created' } });
    expect(again).toEqual({ status: 200, body: { deviceId: first.body.deviceId, status: 'unchanged' } });
    expect((await devicesOf('amy')).map((d) => [d.deviceId, d.enabled])).toEqual([
      [first.body.deviceId, true],
    ]);
  });

  it('POST registers a device of the app it names, beside the user’s devices of other apps', async () => {
    await call('POST', { userId: 'eve', platform: 'FCM', token: 'fcm-token-eve-market' });

    const shop = await call('POST', {
      userId: 'eve',
      app: 'shop',
      platform: 'FCM',
      token: 'fcm-token-eve-shop',
    });

    expect(shop).toEqual({ status: 200, body: { deviceId: expect.any(String), status: 'created' } });
    expect((await devicesOf('eve')).map((d) => [d.app, d.token]).sort()).toEqual([
      ['default', 'fcm-token-eve-market'],
      ['shop', 'fcm-token-eve-shop'],
    ]);
  });

  it('DELETE unregisters the device and deletes its endpoint', async () => {
    const { body } = await call('POST', { userId: 'ben', platform: 'FCM', token: 'fcm-token-ben-1' });
    const endpointArn = (await devicesOf('ben'))[0]!.endpointArn;

    const response = await call('DELETE', { userId: 'ben', deviceId: body.deviceId });

    expect(response).toEqual({ status: 200, body: { deviceId: body.deviceId, status: 'removed' } });
    expect(await devicesOf('ben')).toEqual([]);
    expect(await simulator.endpointState(endpointArn)).toBeUndefined();
  });

  it.each([
    ['an unknown platform', { userId: 'amy', platform: 'WNS', token: 'token-1234' }, /^body\.platform: /],
    ['a token too short', { userId: 'amy', platform: 'FCM', token: 'x' }, /^body\.token: /],
    [
      'an app that is not an app id',
      { userId: 'amy', platform: 'FCM', token: 'token-1234', app: 'My App' },
      /^body\.app: expected an app id/,
    ],
    ['an unexpected field', { userId: 'amy', platform: 'FCM', token: 'token-1234', appName: 'x' }, /^body: /],
    ['a body that is not JSON', '{"userId":', /^body: expected a JSON object$/],
  ])('answers 400 naming the field for %s, never echoing the token', async (_, body, error) => {
    const response = await call('POST', body);

    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(error);
    expect(response.body.error).not.toContain('token-1234');
  });

  it('answers 400 for a platform this deployment has no SNS application for', async () => {
    const ports = { ...local.ports, gateway: new SnsPushGateway(new SNSClient({ region: 'us-east-1' }), {}) };

    const response = await call(
      'POST',
      { userId: 'cai', platform: 'APNS_SANDBOX', token: 'token-12345' },
      false,
      () => ports,
    );

    expect(response).toEqual({
      status: 400,
      body: { error: 'platform: no SNS platform application is configured for APNS_SANDBOX' },
    });
  });

  it('answers 500 without details when something of ours fails, and 405 for other methods', async () => {
    const ports = {
      ...local.ports,
      devices: { ...local.ports.devices, devicesOf: () => Promise.reject(new Error('table gone')) },
    };

    const failed = await call(
      'POST',
      { userId: 'amy', platform: 'FCM', token: 'token-12345' },
      false,
      () => ports,
    );
    const get = await call('GET', '');

    expect(failed).toEqual({ status: 500, body: { error: 'internal error' } });
    expect(get.status).toBe(405);
  });

  it('the scheduled purge removes devices unseen for DEVICE_MAX_AGE_DAYS and keeps the rest', async () => {
    await call('POST', { userId: 'dee', platform: 'FCM', token: 'fcm-token-dee-old' });
    clock.advanceTo(new Date('2027-01-15T10:00:00Z'));
    await call('POST', { userId: 'dee', platform: 'FCM', token: 'fcm-token-dee-new' });
    clock.advanceTo(new Date('2027-01-20T10:00:00Z'));
    process.env.DEVICE_MAX_AGE_DAYS = '30';

    const result = await createDevicePurge(() => local.ports)({}, localContext('purge'));

    delete process.env.DEVICE_MAX_AGE_DAYS;
    // Amy's, Dee's old one, and Eve's of both apps: the purge goes by last sight, whatever the app.
    expect(result).toMatchObject({ purged: 4, complete: true });
    expect((await devicesOf('dee')).map((d) => d.token)).toEqual(['fcm-token-dee-new']);
    expect(await devicesOf('amy')).toEqual([]);
    expect(await devicesOf('eve')).toEqual([]);
  });
});
