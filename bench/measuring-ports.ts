/**
 * Decorators the pipeline benchmark puts around a runtime's ports to measure what the production
 * adapters write, without touching them: the size of every fan-out and delivery checkpoint and
 * of every outbox item (as DynamoDB sizes an item), the fatigue writes, and what the message
 * log would send to Firehose (requests, records, bytes as billed). The handlers read
 * their ports when invoked, so replacing them on the runtime's port bag before any event is sent
 * measures every write the pipeline makes.
 */
import { maxRecordBytes, ndjsonPieces } from '../shared/adapters/message-log/firehose-message-log.ts';
import type { FanoutCheckpoint, JobOutbox } from '../shared/domain/audience/fanout-progress.ts';
import { firehoseBillableBytes } from '../shared/domain/costs/price-table.ts';
import type { MessageLog } from '../shared/domain/engagement/message-log.ts';
import type { FatigueLedger } from '../shared/domain/fatigue/reservation.ts';
import type { DeliveryJob } from '../shared/domain/push/delivery-job.ts';
import type { DeliveryCheckpoint } from '../shared/domain/push/delivery-progress.ts';
import type { WorkLeases } from '../shared/domain/work-leases.ts';
import type { HeraldPorts } from '../shared/herald-ports.ts';

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * Bytes DynamoDB counts for a value once marshalled: strings by their UTF-8 length, numbers about
 * one byte per two significant digits plus one, booleans and nulls one byte, lists and maps three
 * bytes plus one byte per element (and each map key's length). Undefined values are left out, as
 * the document client is told to.
 */
export const dynamoDbValueBytes = (value: unknown): number => {
  if (value === null || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/e.*$/, '')
      .replace('.', '')
      .replace(/^0+/, '')
      .replace(/0+$/, '');
    return Math.ceil(Math.max(1, digits.length) / 2) + 1;
  }
  if (Array.isArray(value))
    return 3 + value.reduce<number>((n, element) => n + 1 + dynamoDbValueBytes(element), 0);
  // A string or number set, as the document client reads one: its elements, like a list's.
  if (value instanceof Set)
    return 3 + [...value].reduce<number>((n, element) => n + 1 + dynamoDbValueBytes(element), 0);
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Date) return utf8(value.toISOString());
  if (typeof value === 'object') {
    let bytes = 3;
    for (const [key, element] of Object.entries(value)) {
      if (element !== undefined) bytes += 1 + utf8(key) + dynamoDbValueBytes(element);
    }
    return bytes;
  }
  return 0;
};

/** Bytes DynamoDB counts for an item: every attribute's name and value. */
export const dynamoDbItemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce(
    (n, [name, value]) => (value === undefined ? n : n + utf8(name) + dynamoDbValueBytes(value)),
    0,
  );

export interface LargestWrite {
  writes: number;
  /** The largest item, as DynamoDB sizes it (the lease item: key, lease, expiry and checkpoint). */
  largestItemBytes: number;
  /** The largest `checkpoint` attribute alone, as JSON text. */
  largestCheckpointJsonBytes: number;
}

export interface PhaseMeasures {
  readonly fanout: LargestWrite;
  readonly delivery: LargestWrite;
  readonly outbox: { items: number; largestItemBytes: number };
  /** Fatigue reservations (one conditional UpdateItem each for calendar caps) and give-backs. */
  readonly fatigue: { reserves: number; releases: number };
  readonly messageLog: MessageLogMeasures;
}

/** PutRecordBatch takes up to 500 records and 4 MiB (as FirehoseMessageLog groups them). */
const maxBatchRecords = 500;
const maxBatchBytes = 4 * 1024 * 1024;

/** What `FirehoseMessageLog` would send for the appends of a phase. */
export interface MessageLogMeasures {
  /** `append` calls with at least one record (an empty one sends nothing). */
  appends: number;
  /** PutRecord, or PutRecordBatch for a batch cut in pieces over 1,000 KiB. */
  requests: number;
  /** Firehose records: one per append, more when a batch is cut. */
  firehoseRecords: number;
  /** Message records (NDJSON lines). */
  messageRecords: number;
  /** NDJSON bytes sent. */
  bytes: number;
  /** The same, each Firehose record rounded up to 5 KB as Firehose bills ingestion. */
  billedBytes: number;
  largestRecordBytes: number;
  /** The NDJSON itself, in order, to measure how it compresses (GZIP, as Firehose writes S3). */
  readonly ndjson: Uint8Array[];
}

/** Groups pieces into PutRecordBatch requests as FirehoseMessageLog does: how many requests. */
const putRecordBatchRequests = (pieces: readonly Uint8Array[]): number => {
  let requests = 0;
  let count = 0;
  let size = 0;
  for (const piece of pieces) {
    if (count === 0 || count === maxBatchRecords || size + piece.length > maxBatchBytes) {
      requests++;
      count = 0;
      size = 0;
    }
    count++;
    size += piece.length;
  }
  return requests;
};

const emptyWrite = (): LargestWrite => ({ writes: 0, largestItemBytes: 0, largestCheckpointJsonBytes: 0 });

const newPhase = (): PhaseMeasures => ({
  fanout: emptyWrite(),
  delivery: emptyWrite(),
  outbox: { items: 0, largestItemBytes: 0 },
  fatigue: { reserves: 0, releases: 0 },
  messageLog: {
    appends: 0,
    requests: 0,
    firehoseRecords: 0,
    messageRecords: 0,
    bytes: 0,
    billedBytes: 0,
    largestRecordBytes: 0,
    ndjson: [],
  },
});

// Stand-ins of the attributes the adapters write next to the checkpoint, for the item's size.
const LEASE_UNTIL = Date.now() + 900_000;
const EXPIRES_AT = Math.floor(Date.now() / 1000) + 14 * 86_400;

/** Wraps a WorkLeases port; every `save` is measured before it goes on to the adapter. */
class MeasuredLeases<C> implements WorkLeases<C> {
  readonly #inner: WorkLeases<C>;
  readonly #kind: string;
  readonly #record: () => LargestWrite;

  constructor(inner: WorkLeases<C>, kind: string, record: () => LargestWrite) {
    this.#inner = inner;
    this.#kind = kind;
    this.#record = record;
  }

  acquire(...args: Parameters<WorkLeases<C>['acquire']>) {
    return this.#inner.acquire(...args);
  }

  save(id: string, owner: string, checkpoint: C): Promise<void> {
    const record = this.#record();
    const itemBytes = dynamoDbItemBytes({
      pk: `${this.#kind}#${id}`,
      leaseOwner: owner,
      leaseUntil: LEASE_UNTIL,
      expiresAt: EXPIRES_AT,
      checkpoint,
    });
    record.writes++;
    record.largestItemBytes = Math.max(record.largestItemBytes, itemBytes);
    record.largestCheckpointJsonBytes = Math.max(
      record.largestCheckpointJsonBytes,
      utf8(JSON.stringify(checkpoint)),
    );
    return this.#inner.save(id, owner, checkpoint);
  }

  release(...args: Parameters<WorkLeases<C>['release']>) {
    return this.#inner.release(...args);
  }

  seize(...args: Parameters<WorkLeases<C>['seize']>) {
    return this.#inner.seize(...args);
  }
}

/**
 * Puts the measuring decorators on `ports` (in place) and returns the meter. `phase()` starts a
 * new set of measures; every write from then on lands in it.
 */
export const measurePorts = (ports: HeraldPorts) => {
  let current = newPhase();
  const mutable = ports as { -readonly [K in keyof HeraldPorts]: HeraldPorts[K] };
  const { outbox, fatigue } = ports;
  mutable.fanoutProgress = new MeasuredLeases<FanoutCheckpoint>(
    ports.fanoutProgress,
    'fanout',
    () => current.fanout,
  );
  mutable.deliveryProgress = new MeasuredLeases<DeliveryCheckpoint>(
    ports.deliveryProgress,
    'delivery',
    () => current.delivery,
  );
  const measuredOutbox: JobOutbox = {
    keep: (jobs: readonly DeliveryJob[]) => {
      for (const job of jobs) {
        current.outbox.items++;
        current.outbox.largestItemBytes = Math.max(
          current.outbox.largestItemBytes,
          dynamoDbItemBytes({ pk: `outbox#${job.jobId}`, job: JSON.stringify(job), expiresAt: EXPIRES_AT }),
        );
      }
      return outbox.keep(jobs);
    },
    jobsOf: (jobIds) => outbox.jobsOf(jobIds),
  };
  mutable.outbox = measuredOutbox;
  const measuredFatigue: FatigueLedger = {
    reserve: (requests) => {
      current.fatigue.reserves += requests.length;
      return fatigue.reserve(requests);
    },
    release: (requests) => {
      current.fatigue.releases += requests.filter((r) => r.count).length;
      return fatigue.release(requests);
    },
  };
  mutable.fatigue = measuredFatigue;
  const { messageLog } = ports;
  const measuredLog: MessageLog = {
    append: (records) => {
      if (records.length > 0) {
        const log = current.messageLog;
        // The batch as FirehoseMessageLog would cut and send it.
        const pieces = ndjsonPieces(records, maxRecordBytes);
        log.appends++;
        log.requests += pieces.length === 1 ? 1 : putRecordBatchRequests(pieces);
        log.firehoseRecords += pieces.length;
        log.messageRecords += records.length;
        for (const piece of pieces) {
          log.bytes += piece.length;
          log.billedBytes += firehoseBillableBytes(piece.length);
          log.largestRecordBytes = Math.max(log.largestRecordBytes, piece.length);
          log.ndjson.push(piece);
        }
      }
      return messageLog.append(records);
    },
  };
  mutable.messageLog = measuredLog;
  return {
    phase(): PhaseMeasures {
      current = newPhase();
      return current;
    },
  };
};
