import {
  CreatePlatformEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointAttributesCommand,
  type MessageAttributeValue,
  PublishCommand,
  SetEndpointAttributesCommand,
  type SNSClient,
} from '@aws-sdk/client-sns';
import { defaultApp, type Platform } from '../../domain/push/device.ts';
import type { PlatformPush } from '../../domain/push/payload.ts';
import {
  type EndpointState,
  PlatformNotConfiguredError,
  type PublishResult,
  type PushGateway,
} from '../../domain/push/push-gateway.ts';

/** SNS errors that mean the endpoint will never accept a push again. */
const GONE = new Set(['EndpointDisabledException', 'EndpointDisabled', 'NotFoundException', 'NotFound']);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'KMSThrottlingException',
]);
/**
 * CreatePlatformEndpoint refuses a token that already has an endpoint with other attributes
 * (another user's CustomUserData) and names that endpoint in the message; SNS documents reusing it.
 */
const EXISTING_ENDPOINT = /Endpoint (arn:aws[\w-]*:sns:\S+) already exists with the same [Tt]oken/;

/**
 * Failures after which nobody knows whether SNS took the push: the request timed out, the
 * connection broke mid-request, or SNS answered with a 5xx.
 */
const OUTCOME_UNKNOWN = new Set([
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
  'InternalError',
  'InternalErrorException',
  'InternalFailure',
  'ServiceUnavailable',
]);
const CUT_MID_REQUEST = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/** Failure reason of a publish that may have gone out; never retried, it keeps its fatigue count. */
export const PUBLISH_OUTCOME_UNKNOWN = 'unknown-outcome';

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'UnknownError');

const outcomeUnknown = (error: unknown): boolean => {
  const e = error as { code?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  return (
    OUTCOME_UNKNOWN.has(errorName(error)) ||
    (typeof e?.code === 'string' && CUT_MID_REQUEST.has(e.code)) ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
};

const messageAttributes = (attributes: Readonly<Record<string, string>>) => {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return {};
  const values: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) values[name] = { DataType: 'String', StringValue: value };
  return { MessageAttributes: values };
};

/** One app's SNS platform applications, by platform; a platform left out cannot register. */
export type PlatformApplicationArns = Readonly<Partial<Record<Platform, string | undefined>>>;

/**
 * SNS mobile push behind the push-gateway port: platform endpoints for APNs and FCM, in the
 * platform applications of each app, one `MessageStructure: json` publish per device (an endpoint
 * belongs to its app's application, so a publish needs no app). SNS exceptions become publish
 * results or domain errors, so the domain never sees SDK types.
 */
export class SnsPushGateway implements PushGateway {
  readonly #client: SNSClient;
  readonly #applications: ReadonlyMap<string, PlatformApplicationArns>;

  /** `applications`: each app's platform applications, by app id (`default` for a single app). */
  constructor(client: SNSClient, applications: Readonly<Record<string, PlatformApplicationArns>>) {
    this.#client = client;
    this.#applications = new Map(Object.entries(applications));
  }

  async createEndpoint(app: string, platform: Platform, token: string, userId: string): Promise<string> {
    const applications = this.#applications.get(app);
    const application = applications?.[platform];
    // The default app is always known: a deployment without applications has it, with none.
    if (!application)
      throw new PlatformNotConfiguredError(platform, app, applications !== undefined || app === defaultApp);
    try {
      const out = await this.#client.send(
        new CreatePlatformEndpointCommand({
          PlatformApplicationArn: application,
          Token: token,
          CustomUserData: userId,
        }),
      );
      if (!out.EndpointArn) throw new Error('SNS CreatePlatformEndpoint returned no EndpointArn');
      return out.EndpointArn;
    } catch (error) {
      const existing = errorName(error).startsWith('InvalidParameter')
        ? EXISTING_ENDPOINT.exec((error as Error).message)?.[1]
        : undefined;
      if (existing) return existing;
      throw error;
    }
  }

  async endpointState(endpointArn: string): Promise<EndpointState | undefined> {
    try {
      const out = await this.#client.send(new GetEndpointAttributesCommand({ EndpointArn: endpointArn }));
      return { token: out.Attributes?.Token ?? '', enabled: out.Attributes?.Enabled === 'true' };
    } catch (error) {
      if (GONE.has(errorName(error))) return undefined;
      throw error;
    }
  }

  async updateEndpoint(endpointArn: string, token: string, userId: string): Promise<void> {
    await this.#client.send(
      new SetEndpointAttributesCommand({
        EndpointArn: endpointArn,
        Attributes: { Token: token, Enabled: 'true', CustomUserData: userId },
      }),
    );
  }

  async deleteEndpoint(endpointArn: string): Promise<void> {
    try {
      await this.#client.send(new DeleteEndpointCommand({ EndpointArn: endpointArn }));
    } catch (error) {
      if (!GONE.has(errorName(error))) throw error;
    }
  }

  async publish(endpointArn: string, push: PlatformPush): Promise<PublishResult> {
    try {
      const out = await this.#client.send(
        new PublishCommand({
          TargetArn: endpointArn,
          Message: push.message,
          MessageStructure: 'json',
          ...messageAttributes(push.attributes),
        }),
      );
      return { status: 'sent', messageId: out.MessageId ?? '' };
    } catch (error) {
      const name = errorName(error);
      if (GONE.has(name)) return { status: 'endpoint-disabled', reason: name };
      // Throttling is a refusal, whatever the status code: nothing went out, so it may be retried.
      if (THROTTLED.has(name)) return { status: 'throttled', reason: name };
      if (outcomeUnknown(error)) return { status: 'failed', reason: PUBLISH_OUTCOME_UNKNOWN };
      return { status: 'failed', reason: name };
    }
  }
}
