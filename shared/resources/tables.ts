/**
 * The one definition of every DynamoDB table. The CDK stack and the local runtime both build
 * their tables from these objects, so a key or TTL change can never diverge between them.
 */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical id in the stack and the environment variable suffix: RELATIONS_TABLE. */
  readonly id: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes?: readonly IndexDefinition[];
}

const pk: KeyAttribute = { name: 'pk', type: 'S' };
const sk: KeyAttribute = { name: 'sk', type: 'S' };

/**
 * Relations, one item per (type, source, target, shard). The base key answers "who relates to
 * target T" (followers of a seller, favoriters of an item), sorted by source so audience slices
 * of several relation types merge in one pass. No index: no feature asks "whom does S relate
 * to", and an index would double the write units of every relation change.
 */
export const relationsTable: TableDefinition = {
  id: 'Relations',
  partitionKey: pk,
  sortKey: sk,
  timeToLiveAttribute: 'expiresAt',
};

/** User profiles: time zone, sensitivity flags, opt-outs. */
export const usersTable: TableDefinition = { id: 'Users', partitionKey: pk };

/** One item per user holding all of that user's devices, so recipients resolve in BatchGetItem. */
export const devicesTable: TableDefinition = { id: 'Devices', partitionKey: pk };

/**
 * Per-recipient state with a lifetime: delivery claims (dedupe), processed-task markers and,
 * later, fatigue windows. Everything here expires.
 */
export const ledgerTable: TableDefinition = {
  id: 'Ledger',
  partitionKey: pk,
  timeToLiveAttribute: 'expiresAt',
};

/** Outcome counters per (recipe or campaign, day) and (variant, outcome, reason). */
export const outcomesTable: TableDefinition = { id: 'Outcomes', partitionKey: pk, sortKey: sk };

/**
 * Campaigns: per campaign its state, the readers of each run that finished, and the jobs parked
 * while it is paused (campaign-store.ts). Nothing here expires: a campaign is a record ops keep.
 */
export const campaignsTable: TableDefinition = { id: 'Campaigns', partitionKey: pk, sortKey: sk };

export const tables = [
  relationsTable,
  usersTable,
  devicesTable,
  ledgerTable,
  outcomesTable,
  campaignsTable,
] as const;

/** Name of the environment variable that carries a table's physical name to a function. */
export const tableEnvName = (table: TableDefinition): string => `${table.id.toUpperCase()}_TABLE`;
