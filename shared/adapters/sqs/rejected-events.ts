import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RejectedEvent, RejectedEvents } from '../../domain/ports.ts';
import { messageBodyOf } from './message-body.ts';

/** Rejected events kept on an SQS queue (14 days), each with the reason it was rejected. */
export class SqsRejectedEvents implements RejectedEvents {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async keep(rejection: RejectedEvent): Promise<void> {
    await this.#client.send(
      new SendMessageCommand({ QueueUrl: this.#queueUrl, MessageBody: messageBodyOf(rejection) }),
    );
  }
}
