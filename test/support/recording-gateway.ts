import { randomUUID } from 'node:crypto';
import type { PlatformPush } from '../../shared/domain/push/payload.ts';
import type { PublishResult, PushGateway } from '../../shared/domain/push/push-gateway.ts';

/**
 * A push gateway that accepts every publish and writes it down, for tests that count pushes per
 * endpoint. `record` runs before a publish is accepted: a publish is taken only once it returns,
 * so a worker killed meanwhile has not pushed. Registration is not its business.
 */
export class RecordingGateway implements PushGateway {
  /** Endpoint ARNs of the publishes accepted, in order. */
  readonly published: string[] = [];
  readonly #record: (endpointArn: string) => void | Promise<void>;

  constructor(record: (endpointArn: string) => void | Promise<void> = () => undefined) {
    this.#record = record;
  }

  async publish(endpointArn: string, _push: PlatformPush): Promise<PublishResult> {
    await this.#record(endpointArn);
    this.published.push(endpointArn);
    return { status: 'sent', messageId: randomUUID() };
  }

  createEndpoint(): Promise<string> {
    return Promise.reject(new Error('RecordingGateway only publishes'));
  }

  endpointState(): Promise<undefined> {
    return Promise.reject(new Error('RecordingGateway only publishes'));
  }

  updateEndpoint(): Promise<void> {
    return Promise.reject(new Error('RecordingGateway only publishes'));
  }

  deleteEndpoint(): Promise<void> {
    return Promise.reject(new Error('RecordingGateway only publishes'));
  }
}
