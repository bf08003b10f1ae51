import { CreatePlatformEndpointCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SnsPushGateway } from '../../shared/adapters/sns/sns-push-gateway.ts';

// SNS mobile push has no local engine: the adapter is checked on the exact requests it sends.
const sns = mockClient(SNSClient);
const applications = {
  APNS: 'arn:aws:sns:us-east-1:123456789012:app/APNS/herald',
  APNS_SANDBOX: undefined,
  FCM: 'arn:aws:sns:us-east-1:123456789012:app/GCM/herald',
};
const gateway = () => new SnsPushGateway(new SNSClient({ region: 'us-east-1' }), applications);
const snsError = (name: string) => Object.assign(new Error(name), { name });

describe('SnsPushGateway', () => {
  beforeEach(() => sns.reset());

  it('creates the endpoint on the platform application of the device', async () => {
    sns.on(CreatePlatformEndpointCommand).resolves({ EndpointArn: 'arn:endpoint/1' });

    const arn = await gateway().createEndpoint('FCM', 'fcm-token-123', 'user-1');

    expect(arn).toBe('arn:endpoint/1');
    expect(sns.commandCalls(CreatePlatformEndpointCommand)[0]!.args[0].input).toEqual({
      PlatformApplicationArn: applications.FCM,
      Token: 'fcm-token-123',
      CustomUserData: 'user-1',
    });
  });

  it('refuses a platform with no application configured, naming it', async () => {
    await expect(gateway().createEndpoint('APNS_SANDBOX', 'token-12345', 'u')).rejects.toThrow(
      /APNS_SANDBOX/,
    );
  });

  it('publishes with MessageStructure json to the endpoint', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

    const result = await gateway().publish('arn:endpoint/1', '{"default":"hi"}');

    expect(result).toEqual({ status: 'sent', messageId: 'm-1' });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TargetArn: 'arn:endpoint/1',
      Message: '{"default":"hi"}',
      MessageStructure: 'json',
    });
  });

  it.each([
    ['EndpointDisabledException', 'endpoint-disabled'],
    ['NotFoundException', 'endpoint-disabled'],
    ['ThrottlingException', 'throttled'],
    ['InvalidParameterException', 'failed'],
    ['InternalErrorException', 'failed'],
  ])('maps %s to %s', async (error, status) => {
    sns.on(PublishCommand).rejects(snsError(error));

    expect(await gateway().publish('arn:endpoint/1', '{}')).toEqual({ status, reason: error });
  });
});
