import { type MessageLog, type MessageRecord, noMessageLog } from './message-log.ts';

type Common = Pick<MessageRecord, 'scope' | 'eventId' | 'time'>;

/**
 * The message records of one batch of work (a fan-out page, a delivery window), appended in one
 * call. With no log configured it collects nothing, so the hot path pays nothing for it.
 */
export class LogBatch {
  readonly #log: MessageLog;
  readonly #common: Common;
  #records: MessageRecord[] = [];

  constructor(log: MessageLog | undefined, common: Common) {
    this.#log = log ?? noMessageLog;
    this.#common = common;
  }

  get enabled(): boolean {
    return this.#log !== noMessageLog;
  }

  add(record: Omit<MessageRecord, keyof Common> & Partial<Common>): void {
    if (this.enabled) this.#records.push({ ...this.#common, ...record });
  }

  /** Appends what was collected (one batch) and starts a new one. */
  async flush(): Promise<void> {
    if (this.#records.length === 0) return;
    const records = this.#records;
    this.#records = [];
    await this.#log.append(records);
  }
}
