import { CreatePlatformEndpointCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Platform } from '../../domain/push/device.ts';
import type { PublishResult, PushGateway } from '../../domain/push/push-gateway.ts';

/** SNS errors that mean the endpoint will never accept a push again. */
const GONE = new Set(['EndpointDisabledException', 'EndpointDisabled', 'NotFoundException', 'NotFound']);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'KMSThrottlingException',
]);

/**
 * SNS mobile push behind the push-gateway port: platform endpoints for APNs and FCM, one
 * `MessageStructure: json` publish per device. SNS exceptions become publish results, so the
 * domain never sees SDK types.
 */
export class SnsPushGateway implements PushGateway {
  readonly #client: SNSClient;
  readonly #applications: Readonly<Record<Platform, string | undefined>>;

  constructor(client: SNSClient, platformApplicationArns: Readonly<Record<Platform, string | undefined>>) {
    this.#client = client;
    this.#applications = platformApplicationArns;
  }

  async createEndpoint(platform: Platform, token: string, userId: string): Promise<string> {
    const application = this.#applications[platform];
    if (!application) throw new Error(`platform: no SNS platform application is configured for ${platform}`);
    const out = await this.#client.send(
      new CreatePlatformEndpointCommand({
        PlatformApplicationArn: application,
        Token: token,
        CustomUserData: userId,
      }),
    );
    if (!out.EndpointArn) throw new Error('SNS CreatePlatformEndpoint returned no EndpointArn');
    return out.EndpointArn;
  }

  async publish(endpointArn: string, message: string): Promise<PublishResult> {
    try {
      const out = await this.#client.send(
        new PublishCommand({ TargetArn: endpointArn, Message: message, MessageStructure: 'json' }),
      );
      return { status: 'sent', messageId: out.MessageId ?? '' };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'UnknownError';
      if (GONE.has(name)) return { status: 'endpoint-disabled', reason: name };
      if (THROTTLED.has(name)) return { status: 'throttled', reason: name };
      return { status: 'failed', reason: name };
    }
  }
}
