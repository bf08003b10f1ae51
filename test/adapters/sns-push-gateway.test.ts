import {
  CreatePlatformEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointAttributesCommand,
  PublishCommand,
  SetEndpointAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsPushGateway } from '../../shared/adapters/sns/sns-push-gateway.ts';
import { PlatformNotConfiguredError } from '../../shared/domain/push/push-gateway.ts';

// SNS mobile push has no local engine: the adapter is checked on the exact requests it sends.
const sns = mockClient(SNSClient);
const applications = {
  APNS: 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald',
  APNS_SANDBOX: undefined,
  FCM: 'arn:aws:sns:us-east-1:123456789012:app/GCM/herald',
};
const endpoint =
  'arn:aws:sns:us-east-1:123456789012:endpoint/GCM/herald/5e3e9847-3183-3f18-a7e8-671c3a57d4b3';
const gateway = () => new SnsPushGateway(new SNSClient({ region: 'us-east-1' }), { default: applications });
const snsError = (name: string, message = name) => Object.assign(new Error(message), { name });
const push = { message: '{"default":"hi","APNS":"{}"}', attributes: {} };

describe('SnsPushGateway', () => {
  beforeEach(() => sns.reset());

  it('creates the endpoint on the platform application of the device', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: endpoint });

    const arn = await gateway().createEndpoint('default', 'FCM', 'fcm-token-123', 'user-1');

    expect(arn).toBe(endpoint);
    expect(sns.commandCalls(CreatePlatformEndpointCommand)[0]!.args[0].input).toEqual({
      PlatformApplicationArn: applications.FCM,
      Token: 'fcm-token-123',
      CustomUserData: 'user-1',
    });
  });

  it('reuses the endpoint SNS names when the token already has one with other attributes', async () => {
    sns
      .on(CreatePlatformEndpointCommand)
      .rejects(
        snsError(
          'InvalidParameterException',
          `Invalid parameter: Token Reason: Endpoint ${endpoint} already exists with the same Token, but different attributes.`,
        ),
      );

    expect(await gateway().createEndpoint('default', 'FCM', 'fcm-token-123', 'user-2')).toBe(endpoint);
  });

  it('passes on any other CreatePlatformEndpoint failure', async () => {
    sns
      .on(CreatePlatformEndpointCommand)
      .rejects(snsError('InvalidParameterException', 'Invalid parameter: Token'));

    await expect(gateway().createEndpoint('default', 'FCM', 'bad', 'u')).rejects.toThrow(
      'Invalid parameter: Token',
    );
  });

  it('refuses a platform with no application configured, naming it, without calling SNS', async () => {
    const attempt = gateway().createEndpoint('default', 'APNS_SANDBOX', 'token-12345', 'u');

    await expect(attempt).rejects.toThrow(PlatformNotConfiguredError);
    await expect(attempt).rejects.toThrow(/^platform: .*APNS_SANDBOX/);
    expect(sns.calls()).toHaveLength(0);
  });

  it('reads the token and the enabled flag of an endpoint, and undefined once it is gone', async () => {
    sns
      .on(GetEndpointAttributesCommand, { EndpointArn: endpoint })
      .resolves({ Attributes: { Token: 'fcm-token-123', Enabled: 'false', CustomUserData: 'user-1' } })
      .on(GetEndpointAttributesCommand, { EndpointArn: `${endpoint}-gone` })
      .rejects(snsError('NotFoundException'));

    expect(await gateway().endpointState(endpoint)).toEqual({ token: 'fcm-token-123', enabled: false });
    expect(await gateway().endpointState(`${endpoint}-gone`)).toBeUndefined();
    expect(sns.commandCalls(GetEndpointAttributesCommand)[0]!.args[0].input).toEqual({
      EndpointArn: endpoint,
    });
  });

  it('passes on a GetEndpointAttributes failure that does not mean "gone"', async () => {
    sns.on(GetEndpointAttributesCommand).rejects(snsError('AuthorizationErrorException'));

    await expect(gateway().endpointState(endpoint)).rejects.toThrow('AuthorizationErrorException');
  });

  it('updates the token and enables the endpoint again in one SetEndpointAttributes', async () => {
    sns.on(SetEndpointAttributesCommand).resolves({});

    await gateway().updateEndpoint(endpoint, 'fcm-token-456', 'user-1');

    expect(sns.commandCalls(SetEndpointAttributesCommand)[0]!.args[0].input).toEqual({
      EndpointArn: endpoint,
      Attributes: { Token: 'fcm-token-456', Enabled: 'true', CustomUserData: 'user-1' },
    });
  });

  it('deletes an endpoint, and deleting one that is gone succeeds', async () => {
    sns
      .on(DeleteEndpointCommand, { EndpointArn: endpoint })
      .resolves({})
      .on(DeleteEndpointCommand, { EndpointArn: `${endpoint}-gone` })
      .rejects(snsError('NotFoundException'));

    await gateway().deleteEndpoint(endpoint);
    await gateway().deleteEndpoint(`${endpoint}-gone`);

    expect(sns.commandCalls(DeleteEndpointCommand).map((c) => c.args[0].input)).toEqual([
      { EndpointArn: endpoint },
      { EndpointArn: `${endpoint}-gone` },
    ]);
  });

  it('passes on a DeleteEndpoint failure that does not mean "gone"', async () => {
    sns.on(DeleteEndpointCommand).rejects(snsError('ThrottlingException'));

    await expect(gateway().deleteEndpoint(endpoint)).rejects.toThrow('ThrottlingException');
  });

  it('publishes with MessageStructure json to the endpoint, without attributes when there are none', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const result = await gateway().publish(endpoint, push);

    expect(result).toEqual({ status: 'sent', messageId: 'm-1' });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TargetArn: endpoint,
      Message: push.message,
      MessageStructure: 'json',
    });
  });

  it('sends the APNs collapse id as a String message attribute', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });

    await gateway().publish(endpoint, {
      message: push.message,
      attributes: { 'AWS.SNS.MOBILE.APNS.COLLAPSE_ID': 'price-drop:evt-1' },
    });

    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TargetArn: endpoint,
      Message: push.message,
      MessageStructure: 'json',
      MessageAttributes: {
        'AWS.SNS.MOBILE.APNS.COLLAPSE_ID': { DataType: 'String', StringValue: 'price-drop:evt-1' },
      },
    });
  });

  it.each([
    ['EndpointDisabledException', 'endpoint-disabled'],
    ['NotFoundException', 'endpoint-disabled'],
    ['ThrottlingException', 'throttled'],
    ['ThrottledException', 'throttled'],
    ['KMSThrottlingException', 'throttled'],
    ['InvalidParameterException', 'failed'],
    ['PlatformApplicationDisabledException', 'failed'],
  ])('maps a publish failing with %s to %s, with the error name as reason', async (error, status) => {
    sns.on(PublishCommand).rejects(snsError(error));

    expect(await gateway().publish(endpoint, push)).toEqual({ status, reason: error });
  });

  it.each(['InternalErrorException', 'TimeoutError'])(
    'reports a publish failing with %s as an unknown outcome: SNS may have taken the push',
    async (error) => {
      sns.on(PublishCommand).rejects(snsError(error));

      expect(await gateway().publish(endpoint, push)).toEqual({
        status: 'failed',
        reason: 'unknown-outcome',
      });
    },
  );
});
