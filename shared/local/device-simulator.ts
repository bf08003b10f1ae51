import { randomUUID } from 'node:crypto';
import { defaultApp, type Platform } from '../domain/push/device.ts';
import type { PlatformPush } from '../domain/push/payload.ts';
import type { EndpointState, PublishResult, PushGateway } from '../domain/push/push-gateway.ts';
import { requestMeter } from '../observability/request-meter.ts';

/** Failures a scenario can inject, to exercise every path of the delivery worker. */
export interface SimulatorFaults {
  /** Tokens whose endpoints the platform reports as disabled. */
  readonly disabledTokens?: readonly string[];
  /** Share (0..1) of publishes answered with throttling. */
  readonly throttleShare?: number;
  /** The first N publishes are throttled, whatever else happens: throttling a test can count on. */
  readonly throttleFirst?: number;
  /** Seed of the draws behind `throttleShare`, so a run throttles the same draws every time. */
  readonly seed?: number;
  /** Added to every publish, in milliseconds. */
  readonly latencyMs?: number;
}

/** A push as the phone received it. */
export interface ReceivedPush {
  readonly endpointArn: string;
  /** The app whose platform application the endpoint belongs to. */
  readonly app: string;
  readonly userId: string;
  readonly platform: Platform;
  readonly token: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly at: Date;
}

interface Endpoint {
  readonly app: string;
  readonly platform: Platform;
  token: string;
  userId: string;
  enabled: boolean;
}

/** Endpoints are unique per token within one platform application: an app's, for a platform. */
const tokenKey = (app: string, platform: Platform, token: string) => `${app}:${platform}:${token}`;

/** The name of an app's local platform application, as it shows in its endpoints' ARNs. */
const localApplication = (app: string) => (app === defaultApp ? 'herald-local' : `herald-local-${app}`);

/** mulberry32: a tiny seeded generator, enough to make throttling reproducible. */
const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/**
 * Stands in for SNS mobile push locally, behind the same port. It keeps endpoints the way SNS
 * does (one per token; attributes that can be read, changed and deleted), records every push a
 * phone would receive, and injects failures.
 */
export class DeviceSimulator implements PushGateway {
  readonly received: ReceivedPush[] = [];
  /** Every publish attempt, throttled and refused ones included. */
  publishes = 0;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #byToken = new Map<string, string>();
  readonly #now: () => Date;
  #faults: SimulatorFaults = {};
  #random: () => number = Math.random;
  #throttled = 0;
  /** The disabled tokens as a set: a run may disable thousands of endpoints. */
  #disabled = new Set<string>();

  constructor(now: () => Date, faults: SimulatorFaults = {}, random: () => number = Math.random) {
    this.#now = now;
    this.injectFaults(faults, random);
  }

  injectFaults(faults: SimulatorFaults, random: () => number = Math.random): void {
    this.#faults = faults;
    this.#disabled = new Set(faults.disabledTokens ?? []);
    this.#random = faults.seed === undefined ? random : seeded(faults.seed);
    this.#throttled = 0;
  }

  /** Any app is accepted: each gets its own platform applications, as SNS keeps them apart. */
  async createEndpoint(app: string, platform: Platform, token: string, userId: string): Promise<string> {
    const key = tokenKey(app, platform, token);
    const known = this.#byToken.get(key);
    if (known) return known;
    const arn = `arn:aws:sns:us-east-1:000000000000:endpoint/${platform}/${localApplication(app)}/${randomUUID()}`;
    this.#endpoints.set(arn, { app, platform, token, userId, enabled: true });
    this.#byToken.set(key, arn);
    return arn;
  }

  async endpointState(endpointArn: string): Promise<EndpointState | undefined> {
    const endpoint = this.#endpoints.get(endpointArn);
    return endpoint ? { token: endpoint.token, enabled: endpoint.enabled } : undefined;
  }

  async updateEndpoint(endpointArn: string, token: string, userId: string): Promise<void> {
    const endpoint = this.#endpoints.get(endpointArn);
    if (!endpoint) throw Object.assign(new Error('Endpoint does not exist'), { name: 'NotFoundException' });
    this.#byToken.delete(tokenKey(endpoint.app, endpoint.platform, endpoint.token));
    Object.assign(endpoint, { token, userId, enabled: true });
    this.#byToken.set(tokenKey(endpoint.app, endpoint.platform, token), endpointArn);
  }

  async deleteEndpoint(endpointArn: string): Promise<void> {
    const endpoint = this.#endpoints.get(endpointArn);
    if (!endpoint) return;
    this.#endpoints.delete(endpointArn);
    this.#byToken.delete(tokenKey(endpoint.app, endpoint.platform, endpoint.token));
  }

  async publish(endpointArn: string, push: PlatformPush): Promise<PublishResult> {
    this.publishes++;
    if (this.#faults.latencyMs) await new Promise((r) => setTimeout(r, this.#faults.latencyMs));
    // SNS rate-limits at the front door, before it looks at the endpoint.
    if (this.#throttled < (this.#faults.throttleFirst ?? 0)) {
      this.#throttled++;
      return { status: 'throttled', reason: 'Throttling' };
    }
    // SNS bills every publish it accepts: metered as the SNS client is on AWS.
    requestMeter.record({ snsPublishes: 1 });
    if (this.#faults.throttleShare && this.#random() < this.#faults.throttleShare) {
      return { status: 'throttled', reason: 'Throttling' };
    }
    const endpoint = this.#endpoints.get(endpointArn);
    if (!endpoint) return { status: 'endpoint-disabled', reason: 'NotFound' };
    if (this.#disabled.has(endpoint.token)) endpoint.enabled = false;
    if (!endpoint.enabled) return { status: 'endpoint-disabled', reason: 'EndpointDisabled' };
    this.received.push({
      endpointArn,
      ...endpoint,
      message: push.message,
      attributes: push.attributes,
      at: this.#now(),
    });
    return { status: 'sent', messageId: randomUUID() };
  }
}
