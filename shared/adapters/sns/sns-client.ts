import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';

/** How long a publish may take before Herald stops waiting. SNS answers a publish in tens of ms. */
export const SNS_REQUEST_TIMEOUT_MS = 5_000;
const SNS_CONNECTION_TIMEOUT_MS = 1_000;

/**
 * The SNS client Herald publishes with. The SDK's own retries are off (`maxAttempts: 1`):
 * - a timeout or a 5xx may come after SNS took the push, and a retry could show it twice,
 *   breaking at-most-once; the gateway reports those as an unknown outcome instead;
 * - throttling is retried by Herald's throttle policy (three quick retries, then follow-up
 *   jobs); SDK retries underneath would multiply every try by three.
 * Endpoint calls of the registration API (create, read, update, delete) are idempotent, and a
 * failed registration is retried by the app backend that called it.
 *
 * `throwOnRequestTimeout` makes the request timeout an error: without it, the handler only warns.
 */
export const snsPushClientConfig = (requestTimeoutMs = SNS_REQUEST_TIMEOUT_MS): SNSClientConfig => ({
  maxAttempts: 1,
  requestHandler: {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: SNS_CONNECTION_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  },
});

/** An SNS client for the push gateway; `config` adds the region, endpoint or credentials. */
export const snsPushClient = (config: SNSClientConfig = {}, requestTimeoutMs?: number): SNSClient =>
  new SNSClient({ ...snsPushClientConfig(requestTimeoutMs), ...config });
