import type { Platform } from './device.ts';

export type PublishResult =
  | { readonly status: 'sent'; readonly messageId: string }
  /** The platform says the token is gone: disable the device, never retry. */
  | { readonly status: 'endpoint-disabled'; readonly reason: string }
  /** Rate exceeded: try again later. */
  | { readonly status: 'throttled'; readonly reason: string }
  | { readonly status: 'failed'; readonly reason: string };

/**
 * Port: the last hop to APNs and FCM. On AWS it is SNS mobile push; locally a device simulator
 * with failure injection stands behind the same interface.
 */
export interface PushGateway {
  /** Registers a token and returns its endpoint ARN; the same token yields the same endpoint. */
  createEndpoint(platform: Platform, token: string, userId: string): Promise<string>;
  /** Publishes a `MessageStructure: json` message to one endpoint. */
  publish(endpointArn: string, message: string): Promise<PublishResult>;
}
