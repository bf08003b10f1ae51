import { HeraldError } from '../errors.ts';
import { defaultApp, type Platform } from './device.ts';
import type { PlatformPush } from './payload.ts';

export type PublishResult =
  | { readonly status: 'sent'; readonly messageId: string }
  /** The platform says the token is gone: disable the device, never retry. */
  | { readonly status: 'endpoint-disabled'; readonly reason: string }
  /** Rate exceeded: try again later. */
  | { readonly status: 'throttled'; readonly reason: string }
  /** Anything else. Not retried: SNS may have taken the push, and a retry could show it twice. */
  | { readonly status: 'failed'; readonly reason: string };

/** What the push service holds for an endpoint. */
export interface EndpointState {
  readonly token: string;
  readonly enabled: boolean;
}

/**
 * Port: the last hop to APNs and FCM. On AWS it is SNS mobile push; locally a device simulator
 * with failure injection stands behind the same interface.
 */
export interface PushGateway {
  /**
   * Registers a token in the platform application of `app` and returns its endpoint ARN; the
   * same token yields the same endpoint, whatever state that endpoint is in (check it with
   * `endpointState`).
   */
  createEndpoint(app: string, platform: Platform, token: string, userId: string): Promise<string>;
  /** The endpoint's token and whether it is enabled; undefined when the endpoint is gone. */
  endpointState(endpointArn: string): Promise<EndpointState | undefined>;
  /** Points the endpoint at `token` and enables it again. */
  updateEndpoint(endpointArn: string, token: string, userId: string): Promise<void>;
  /** Deletes the endpoint; deleting one that is gone succeeds. */
  deleteEndpoint(endpointArn: string): Promise<void>;
  /** Publishes a `MessageStructure: json` message to one endpoint. */
  publish(endpointArn: string, push: PlatformPush): Promise<PublishResult>;
}

/**
 * A device registers on an app, or a platform of an app, this deployment has no SNS platform
 * application for. The message names the field to fix: `app` when the app is unknown altogether.
 */
export class PlatformNotConfiguredError extends HeraldError {
  constructor(platform: Platform, app: string, appKnown = true) {
    super(
      !appKnown
        ? `app: "${app}" has no SNS platform applications in this deployment`
        : `platform: no SNS platform application is configured for ${platform}${app === defaultApp ? '' : ` of app "${app}"`}`,
    );
    this.name = 'PlatformNotConfiguredError';
  }
}
