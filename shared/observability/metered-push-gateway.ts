import type { Platform } from '../domain/push/device.ts';
import type { PlatformPush } from '../domain/push/payload.ts';
import type { EndpointState, PublishResult, PushGateway } from '../domain/push/push-gateway.ts';
import type { MetricRecorder } from './metrics.ts';

/** The push gateway, timing every publish as PublishLatencyMs, whatever its result. */
export class MeteredPushGateway implements PushGateway {
  readonly #gateway: PushGateway;
  readonly #metrics: MetricRecorder;

  constructor(gateway: PushGateway, metrics: MetricRecorder) {
    this.#gateway = gateway;
    this.#metrics = metrics;
  }

  async publish(endpointArn: string, push: PlatformPush): Promise<PublishResult> {
    const started = performance.now();
    try {
      return await this.#gateway.publish(endpointArn, push);
    } finally {
      this.#metrics.add('PublishLatencyMs', Math.round(performance.now() - started), {});
    }
  }

  createEndpoint(app: string, platform: Platform, token: string, userId: string): Promise<string> {
    return this.#gateway.createEndpoint(app, platform, token, userId);
  }

  endpointState(endpointArn: string): Promise<EndpointState | undefined> {
    return this.#gateway.endpointState(endpointArn);
  }

  updateEndpoint(endpointArn: string, token: string, userId: string): Promise<void> {
    return this.#gateway.updateEndpoint(endpointArn, token, userId);
  }

  deleteEndpoint(endpointArn: string): Promise<void> {
    return this.#gateway.deleteEndpoint(endpointArn);
  }
}
