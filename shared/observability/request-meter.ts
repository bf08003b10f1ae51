import { AsyncLocalStorage } from 'node:async_hooks';
import {
  addUsage,
  emptyUsage,
  eventBridgeBillableEvents,
  sqsBillableRequests,
  type Usage,
} from '../domain/costs/price-table.ts';
import type { PutEventsEntry } from '../local/bus/put-events-entry.ts';
import { entrySize } from '../local/bus/put-events-limits.ts';
import { CAPACITY_OPERATIONS, capacityOf, isWrite, unitsByTableOf, writtenKinds } from './dynamodb-units.ts';

/** The AWS services whose requests the meter counts. */
export type MeteredService = 'dynamodb' | 'sqs' | 'sns' | 'scheduler' | 'eventbridge';

/** The part of an AWS SDK v3 client the meter needs: its middleware stack. */
interface MeteredClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** A Lambda invocation in progress: its memory, how many units share it, what no unit claimed yet. */
interface Invocation {
  readonly memoryMb: number;
  readonly units: number;
  unclaimed: Usage;
  /** What the units measured so far took of the invocation itself. */
  readonly claimed: { invocations: number; gbSeconds: number };
  /** The names work ran within during the invocation. */
  readonly names: Set<string>;
}

/** What the running code's requests are attributed to. */
interface Attribution {
  readonly name: string;
  readonly invocation?: Invocation;
  /** The unit of work being measured (innermost), if any. */
  readonly unit?: { usage: Usage };
  /** Requests whose units the write they make already stores (see `accounted`). */
  readonly accounted?: boolean;
}

const scope = new AsyncLocalStorage<Attribution>();

/** Kinds of item the meter tells apart; a warm Lambda must not grow a map per key it writes. */
const MAX_KINDS = 256;

const isConditionFailure = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionCanceledException');

const sqsPayloadBytes = (command: string, input: Record<string, unknown>): number => {
  if (command === 'SendMessageCommand') return Buffer.byteLength(String(input.MessageBody ?? ''));
  if (command === 'SendMessageBatchCommand') {
    return ((input.Entries as { MessageBody?: string }[] | undefined) ?? []).reduce(
      (n, e) => n + Buffer.byteLength(e.MessageBody ?? ''),
      0,
    );
  }
  return 0;
};

/**
 * Counts every billable AWS request a client makes, in the units AWS bills (SQS 64 KB chunks,
 * DynamoDB capacity units, SNS publishes), and attributes it to the recipe or campaign whose
 * work is running (an async-local scope), so cost reports can say what each push cost.
 *
 * @example
 * const meter = new RequestMeter();
 * meter.attach(sqsClient, 'sqs');
 * await meter.within('followed-seller-new-item', () => fanOutSlice(task, deps));
 * meter.usageOf('followed-seller-new-item'); // { sqsRequests: 3, dynamodbWriteUnits: 41, ... }
 *
 * Besides the totals per name, which only the process sees, it measures what each unit of work
 * and each Lambda invocation used, so the usage can be stored with the unit's outcomes:
 * - `invocation({ memoryMb, units }, work)` wraps one Lambda invocation (metered-invocation.ts);
 * - `measure(work)` wraps one unit (a fan-out task, a delivery job; the leased-work runner does
 *   it): the unit gets the requests made inside it, what its invocation made before it that no
 *   unit claimed yet, its share of the invocation (1 / units) and its own wall time × memory.
 */
export class RequestMeter {
  readonly #usage = new Map<string, Usage>();
  /** Requests by `service:operation`, for reading a pipeline's request mix. */
  readonly requests = new Map<string, number>();
  /**
   * DynamoDB capacity units by table, for pricing one table in another capacity mode (the
   * Ledger table provisioned, the rest on demand).
   */
  readonly unitsByTable = new Map<string, { read: number; write: number }>();
  /**
   * DynamoDB write units by table and kind of item (`<table>|<kind>`, the kind being the first
   * `#` segment of its partition key: `fatigue`, `outbox`, `delivery`...): where a table's writes
   * go. A request's units are spread evenly over its items, which is exact for the batches Herald
   * writes (one kind each). Bounded: kinds past the first few hundred count as `other`.
   */
  readonly writeUnitsByKind = new Map<string, number>();

  /** Runs `work` with its AWS requests attributed to `name`. */
  within<T>(name: string, work: () => Promise<T>): Promise<T> {
    const store = scope.getStore();
    store?.invocation?.names.add(name);
    return scope.run({ ...store, name }, work);
  }

  /** The name requests made here are attributed to. */
  currentName(): string {
    return scope.getStore()?.name ?? 'unattributed';
  }

  /**
   * Runs one Lambda invocation of `memoryMb` shared by `units` units of work (records of an SQS
   * batch), then hands `settle` what it used that no unit claimed (whether the work succeeded or
   * threw), and the names work ran within: its requests outside any unit, the invocation itself as far as no unit took a share,
   * and the wall time outside units. `settle` runs outside the invocation's attribution.
   */
  async invocation<T>(
    options: {
      memoryMb: number;
      units?: number;
      settle: (remainder: Usage, names: ReadonlySet<string>) => Promise<void>;
    },
    work: () => Promise<T>,
  ): Promise<T> {
    const invocation: Invocation = {
      memoryMb: options.memoryMb,
      units: Math.max(1, options.units ?? 1),
      unclaimed: emptyUsage(),
      claimed: { invocations: 0, gbSeconds: 0 },
      names: new Set(),
    };
    const started = performance.now();
    try {
      return await scope.run({ name: this.currentName(), invocation }, work);
    } finally {
      const gbSeconds = gbSecondsOf(performance.now() - started, invocation.memoryMb);
      await options.settle(
        addUsage(invocation.unclaimed, {
          lambdaInvocations: Math.max(0, 1 - invocation.claimed.invocations),
          lambdaGbSeconds: Math.max(0, gbSeconds - invocation.claimed.gbSeconds),
        }),
        invocation.names,
      );
    }
  }

  /** Runs one unit of work and says what it used (see the class comment). */
  async measure<T>(work: () => Promise<T>): Promise<{ value: T; usage: Usage }> {
    const outer = scope.getStore();
    const unit = { usage: emptyUsage() };
    const started = performance.now();
    const value = await scope.run({ ...outer, name: this.currentName(), unit }, work);
    const invocation = outer?.invocation;
    if (!invocation) return { value, usage: unit.usage };
    const share = {
      lambdaInvocations: 1 / invocation.units,
      lambdaGbSeconds: gbSecondsOf(performance.now() - started, invocation.memoryMb),
    };
    invocation.claimed.invocations += share.lambdaInvocations;
    invocation.claimed.gbSeconds += share.lambdaGbSeconds;
    const usage = addUsage(addUsage(unit.usage, invocation.unclaimed), share);
    invocation.unclaimed = emptyUsage();
    return { value, usage };
  }

  /**
   * Runs a write that stores usage including its own (the outcomes' transaction): its requests
   * still count in the totals per name, but no unit or invocation claims them a second time.
   */
  accounted<T>(work: () => Promise<T>): Promise<T> {
    return scope.run({ ...scope.getStore(), name: this.currentName(), accounted: true }, work);
  }

  record(usage: Partial<Usage>, name?: string): void {
    const store = scope.getStore();
    const key = name ?? store?.name ?? 'unattributed';
    this.#usage.set(key, addUsage(this.#usage.get(key) ?? emptyUsage(), usage));
    if ((name !== undefined && name !== store?.name) || store?.accounted) return;
    if (store?.unit) store.unit.usage = addUsage(store.unit.usage, usage);
    else if (store?.invocation) store.invocation.unclaimed = addUsage(store.invocation.unclaimed, usage);
  }

  usageOf(name: string): Usage {
    return this.#usage.get(name) ?? emptyUsage();
  }

  total(): Usage {
    return [...this.#usage.values()].reduce((a, b) => addUsage(a, b), emptyUsage());
  }

  byScope(): ReadonlyMap<string, Usage> {
    return this.#usage;
  }

  /** Spreads each table's write units evenly over the items the request wrote to it, by kind. */
  #tallyKinds(input: Record<string, unknown>, byTable: readonly (readonly [string, number])[]): void {
    const kinds = writtenKinds(input);
    for (const [table, units] of byTable) {
      const ofTable = kinds.filter(([t]) => t === table);
      for (const [, kind] of ofTable) {
        const named = `${table}|${kind}`;
        const key =
          this.writeUnitsByKind.has(named) || this.writeUnitsByKind.size < MAX_KINDS
            ? named
            : `${table}|other`;
        this.writeUnitsByKind.set(key, (this.writeUnitsByKind.get(key) ?? 0) + units / ofTable.length);
      }
    }
  }

  #tallyTable(table: string, kind: 'read' | 'write', units: number): void {
    const tally = this.unitsByTable.get(table) ?? { read: 0, write: 0 };
    tally[kind] += units;
    this.unitsByTable.set(table, tally);
  }

  attach(client: unknown, service: MeteredService): void {
    (client as MeteredClient).middlewareStack.add(
      (next, context) => async (args) => {
        const command = context.commandName ?? 'Unknown';
        // Capacity is only reported when asked for; asking costs nothing.
        if (
          service === 'dynamodb' &&
          CAPACITY_OPERATIONS.has(command) &&
          !args.input.ReturnConsumedCapacity
        ) {
          args.input.ReturnConsumedCapacity = 'TOTAL';
        }
        const key = `${service}:${command.replace(/Command$/, '')}`;
        let result: { output: unknown };
        try {
          result = await next(args);
        } catch (error) {
          // DynamoDB bills a write whose condition failed (a capped or duplicate reservation)
          // though it answers with an error and no capacity: at least a unit (more for a large
          // item, which the error does not say).
          if (service === 'dynamodb' && isWrite(command) && isConditionFailure(error)) {
            this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
            // A cancelled transaction still bills every item it prepared.
            const units = unitsByTableOf(args.input, undefined, 1);
            this.record({ dynamodbWriteUnits: units.reduce((n, [, u]) => n + u, 0) });
            for (const [table, tableUnits] of units) this.#tallyTable(table, 'write', tableUnits);
            this.#tallyKinds(args.input, units);
          }
          throw error;
        }
        this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
        if (service === 'sqs')
          this.record({ sqsRequests: sqsBillableRequests(sqsPayloadBytes(command, args.input)) });
        if (service === 'sns' && command === 'PublishCommand') this.record({ snsPublishes: 1 });
        if (service === 'eventbridge' && command === 'PutEventsCommand')
          this.record({ eventBridgeEvents: putEventsBillable(args.input, result.output) });
        // Each one-time schedule invokes its target once: the invocation is what Scheduler bills.
        if (service === 'scheduler' && command === 'CreateScheduleCommand')
          this.record({ schedulerInvocations: 1 });
        if (service === 'dynamodb') {
          const units = capacityOf(result.output).reduce(
            (n, c) => n + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)),
            0,
          );
          // DynamoDB Local may leave capacity out; a request then counts as one unit.
          const byTable = unitsByTableOf(args.input, result.output, units > 0 ? units : 1);
          const billed = byTable.reduce((n, [, u]) => n + u, 0);
          this.record(isWrite(command) ? { dynamodbWriteUnits: billed } : { dynamodbReadUnits: billed });
          for (const [table, tableUnits] of byTable)
            this.#tallyTable(table, isWrite(command) ? 'write' : 'read', tableUnits);
          if (isWrite(command)) this.#tallyKinds(args.input, byTable);
        }
        return result;
      },
      { step: 'initialize', name: `herald-request-meter-${service}` },
    );
  }
}

/**
 * The events a PutEvents request is billed for: each entry EventBridge took, one per 64 KB chunk
 * by its size formula (an entry it refused is not billed).
 */
const putEventsBillable = (input: Record<string, unknown>, output: unknown): number => {
  const entries = (input.Entries as PutEventsEntry[] | undefined) ?? [];
  const answers = (output as { Entries?: { EventId?: string }[] } | undefined)?.Entries ?? [];
  return entries.reduce(
    (n, entry, i) => n + (answers[i]?.EventId ? eventBridgeBillableEvents(entrySize(entry)) : 0),
    0,
  );
};

const gbSecondsOf = (ms: number, memoryMb: number) => (ms / 1000) * (memoryMb / 1024);

/**
 * The process's meter: every client the composition roots build is attached to it, and the
 * workers run each unit of work within its recipe's scope.
 */
export const requestMeter = new RequestMeter();
