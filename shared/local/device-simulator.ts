import { randomUUID } from 'node:crypto';
import type { Platform } from '../domain/push/device.ts';
import type { PublishResult, PushGateway } from '../domain/push/push-gateway.ts';

/** Failures a scenario can inject, to exercise every path of the delivery worker. */
export interface SimulatorFaults {
  /** Tokens whose endpoints the platform reports as disabled. */
  readonly disabledTokens?: readonly string[];
  /** Share (0..1) of publishes answered with throttling. */
  readonly throttleShare?: number;
  /** Added to every publish, in milliseconds. */
  readonly latencyMs?: number;
}

/** A push as the phone received it. */
export interface ReceivedPush {
  readonly endpointArn: string;
  readonly userId: string;
  readonly platform: Platform;
  readonly token: string;
  readonly message: string;
  readonly at: Date;
}

interface Endpoint {
  readonly platform: Platform;
  readonly token: string;
  readonly userId: string;
  enabled: boolean;
}

/**
 * Stands in for SNS mobile push locally, behind the same port. It keeps endpoints the way SNS
 * does (one per token), records every push a phone would receive, and injects failures.
 */
export class DeviceSimulator implements PushGateway {
  readonly received: ReceivedPush[] = [];
  publishes = 0;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #byToken = new Map<string, string>();
  readonly #now: () => Date;
  #faults: SimulatorFaults;
  #random: () => number;

  constructor(now: () => Date, faults: SimulatorFaults = {}, random: () => number = Math.random) {
    this.#now = now;
    this.#faults = faults;
    this.#random = random;
  }

  injectFaults(faults: SimulatorFaults): void {
    this.#faults = faults;
  }

  async createEndpoint(platform: Platform, token: string, userId: string): Promise<string> {
    const known = this.#byToken.get(`${platform}:${token}`);
    if (known) return known;
    const arn = `arn:aws:sns:us-east-1:000000000000:endpoint/${platform}/herald-local/${randomUUID()}`;
    this.#endpoints.set(arn, { platform, token, userId, enabled: true });
    this.#byToken.set(`${platform}:${token}`, arn);
    return arn;
  }

  async publish(endpointArn: string, message: string): Promise<PublishResult> {
    this.publishes++;
    if (this.#faults.latencyMs) await new Promise((r) => setTimeout(r, this.#faults.latencyMs));
    const endpoint = this.#endpoints.get(endpointArn);
    if (!endpoint) return { status: 'endpoint-disabled', reason: 'NotFound' };
    if (this.#faults.disabledTokens?.includes(endpoint.token)) endpoint.enabled = false;
    if (!endpoint.enabled) return { status: 'endpoint-disabled', reason: 'EndpointDisabled' };
    if (this.#faults.throttleShare && this.#random() < this.#faults.throttleShare) {
      return { status: 'throttled', reason: 'Throttling' };
    }
    this.received.push({ endpointArn, ...endpoint, message, at: this.#now() });
    return { status: 'sent', messageId: randomUUID() };
  }
}
