import { AsyncLocalStorage } from 'node:async_hooks';
import { addUsage, emptyUsage, sqsBillableRequests, type Usage } from '../domain/costs/price-table.ts';

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

interface ConsumedCapacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}

const scope = new AsyncLocalStorage<string>();

/** DynamoDB operations that report the capacity they consumed when asked. */
const CAPACITY_OPERATIONS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'TransactGetItemsCommand',
]);

const isWrite = (command: string) => /Put|Update|Delete|Write/.test(command);

const capacityOf = (output: unknown): ConsumedCapacity[] => {
  const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)
    ?.ConsumedCapacity;
  if (!consumed) return [];
  return Array.isArray(consumed) ? consumed : [consumed];
};

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
 */
export class RequestMeter {
  readonly #usage = new Map<string, Usage>();
  /** Requests by `service:operation`, for reading a pipeline's request mix. */
  readonly requests = new Map<string, number>();

  /** Runs `work` with its AWS requests attributed to `name`. */
  within<T>(name: string, work: () => Promise<T>): Promise<T> {
    return scope.run(name, work);
  }

  record(usage: Partial<Usage>, name = scope.getStore() ?? 'unattributed'): void {
    this.#usage.set(name, addUsage(this.#usage.get(name) ?? emptyUsage(), usage));
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

  attach(client: unknown, service: 'dynamodb' | 'sqs' | 'sns'): void {
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
        const result = await next(args);
        const key = `${service}:${command.replace(/Command$/, '')}`;
        this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
        if (service === 'sqs')
          this.record({ sqsRequests: sqsBillableRequests(sqsPayloadBytes(command, args.input)) });
        if (service === 'sns' && command === 'PublishCommand') this.record({ snsPublishes: 1 });
        if (service === 'dynamodb') {
          const units = capacityOf(result.output).reduce(
            (n, c) => n + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)),
            0,
          );
          // DynamoDB Local may leave capacity out; a request then counts as one unit.
          const billed = units > 0 ? units : 1;
          this.record(isWrite(command) ? { dynamodbWriteUnits: billed } : { dynamodbReadUnits: billed });
        }
        return result;
      },
      { step: 'initialize', name: `herald-request-meter-${service}` },
    );
  }
}

/**
 * The process's meter: every client the composition roots build is attached to it, and the
 * workers run each unit of work within its recipe's scope.
 */
export const requestMeter = new RequestMeter();
