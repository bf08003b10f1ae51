import { appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { DeliveryJob } from '../../shared/domain/push/delivery-job.ts';
import type { HoldScheduler } from '../../shared/domain/push/hold-scheduler.ts';

/** One hold as the log keeps it: the job and when it is released. */
export interface LoggedHold {
  readonly job: DeliveryJob;
  readonly releaseAt: string;
}

/**
 * Holds as AWS keeps them (a delayed SQS message, a Scheduler schedule): durable the moment they
 * are made, each one line appended to `file`, a write the kernel keeps when the process is
 * killed. Nothing is deduplicated here: a job held twice is two lines, as two delayed SQS
 * messages would be two messages, and delivery must push it once. `gate` runs before each
 * line, so a test can stop a worker part-way through a page's holds.
 */
export class FileHolds implements HoldScheduler {
  readonly #file: string;
  readonly #gate: () => Promise<void>;

  constructor(file: string, gate: () => Promise<void> = async () => undefined) {
    this.#file = file;
    this.#gate = gate;
  }

  async hold(jobs: readonly DeliveryJob[], releaseAt: Date): Promise<void> {
    for (const job of jobs) {
      await this.#gate();
      appendFileSync(this.#file, `${JSON.stringify({ job, releaseAt: releaseAt.toISOString() })}\n`);
    }
  }
}

/** Every hold written to `file` so far, in order (none when there is no file yet). */
export const loggedHolds = async (file: string): Promise<LoggedHold[]> =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LoggedHold);
