import type { WorkQueue } from '../../domain/ports.ts';

/**
 * A queue that serialises what it is sent, as SQS would, counts it and lets it go: benchmarks
 * measure the work of producing messages without holding them.
 */
export class SerialisingWorkQueue<T> implements WorkQueue<T> {
  messages = 0;
  bytes = 0;
  items: T[] | undefined;

  /** `keep` holds the items for tests to read; benchmarks leave it off. */
  constructor(options: { keep?: boolean } = {}) {
    if (options.keep) this.items = [];
  }

  async send(items: readonly T[]): Promise<void> {
    for (const item of items) {
      this.bytes += JSON.stringify(item).length;
      this.messages++;
      this.items?.push(item);
    }
  }
}
