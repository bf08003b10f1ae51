import { TRANSACTION_UNITS_PER_ITEM } from '../domain/costs/price-table.ts';

/**
 * How DynamoDB bills one request, read off its input and output: the capacity units it reports
 * (asked for with `ReturnConsumedCapacity`), by table, and which kinds of item the writes went to.
 */
export interface ConsumedCapacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}

/** DynamoDB operations that report the capacity they consumed when asked. */
export const CAPACITY_OPERATIONS = new Set([
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

export const isWrite = (command: string) => /Put|Update|Delete|Write/.test(command);

export const capacityOf = (output: unknown): ConsumedCapacity[] => {
  const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] } | undefined)
    ?.ConsumedCapacity;
  if (!consumed) return [];
  return Array.isArray(consumed) ? consumed : [consumed];
};

/** The table a request names (the first, for a batch or a transaction). */
export const tableOf = (input: Record<string, unknown>): string => {
  if (typeof input.TableName === 'string') return input.TableName;
  const batch = (input.RequestItems ?? {}) as Record<string, unknown>;
  const [first] = Object.keys(batch);
  if (first) return first;
  const items = (input.TransactItems ?? []) as Record<string, { TableName?: string }>[];
  return Object.values(items[0] ?? {})[0]?.TableName ?? 'unknown';
};

type KeyedItem = { pk?: unknown } | undefined;
/** The kind of an item: its partition key's first `#` segment (plain or marshalled). */
const kindOf = (item: KeyedItem): string => {
  const pk = item?.pk;
  const text = typeof pk === 'string' ? pk : ((pk as { S?: string } | undefined)?.S ?? '');
  // A key with no `#` is an id (a user's profile, their devices): one kind, not one per user.
  return text.includes('#') ? text.slice(0, text.indexOf('#')) : 'item';
};

/** The (table, kind) of every item a write request names. */
export const writtenKinds = (input: Record<string, unknown>): [string, string][] => {
  if (typeof input.TableName === 'string')
    return [[input.TableName, kindOf((input.Key ?? input.Item) as KeyedItem)]];
  if (input.TransactItems)
    return (
      input.TransactItems as Record<string, { TableName?: string; Key?: KeyedItem; Item?: KeyedItem }>[]
    ).map((entry) => {
      const op = Object.values(entry)[0];
      return [op?.TableName ?? 'unknown', kindOf(op?.Key ?? op?.Item)];
    });
  const batch = (input.RequestItems ?? {}) as Record<
    string,
    { PutRequest?: { Item?: KeyedItem }; DeleteRequest?: { Key?: KeyedItem } }[]
  >;
  return Object.entries(batch).flatMap(([table, requests]) =>
    requests.map((r): [string, string] => [table, kindOf(r.PutRequest?.Item ?? r.DeleteRequest?.Key)]),
  );
};

/** Items of a transaction per table. */
const transactionItemsByTable = (input: Record<string, unknown>): Map<string, number> => {
  const byTable = new Map<string, number>();
  for (const item of (input.TransactItems ?? []) as Record<string, { TableName?: string }>[]) {
    const table = Object.values(item)[0]?.TableName ?? 'unknown';
    byTable.set(table, (byTable.get(table) ?? 0) + 1);
  }
  return byTable;
};

/**
 * A request's units by table: as DynamoDB reports them (one entry per table for a batch or a
 * transaction across tables), else all of `billed` to the table the request names.
 *
 * A transaction bills two units per item (per KB of it) on AWS. DynamoDB Local reports two per
 * KB of a table's items taken together, so several small items in one table come out as two
 * units: each table is billed at least two units per item it has in the transaction.
 */
export const unitsByTableOf = (
  input: Record<string, unknown>,
  output: unknown,
  billed: number,
): (readonly [string, number])[] => {
  const reported = capacityOf(output).filter((c) => (c as { TableName?: string }).TableName);
  const units = new Map<string, number>(
    reported.length === 0
      ? [[tableOf(input), billed]]
      : reported.map((c) => [
          (c as { TableName: string }).TableName,
          c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0),
        ]),
  );
  for (const [table, items] of transactionItemsByTable(input))
    units.set(table, Math.max(units.get(table) ?? 0, TRANSACTION_UNITS_PER_ITEM * items));
  return [...units];
};
