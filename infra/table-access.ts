import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  campaignsTable,
  devicesTable,
  ledgerTable,
  outcomesTable,
  relationsTable,
  usersTable,
} from '../shared/resources/tables.ts';

/**
 * A DynamoDB item call, as IAM names it without the `dynamodb:` prefix. A TransactWriteItems call
 * is no action of its own: IAM checks the Put, Update or ConditionCheck of each of its items.
 */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'
  | 'DescribeTable';

/** The actions a function takes, by table id (`Relations`...); a table left out is not touched. */
export type TableAccess = Readonly<Record<string, readonly TableAction[]>>;

/**
 * What reading an audience slice into delivery jobs calls (`fanOutSlice`), shared by the fan-out
 * worker and the planner, which fans small audiences out itself.
 */
const fanOut: TableAccess = {
  [relationsTable.id]: [
    'GetItem', // RelationStore.shardCountOf / relocate: a target's shard layout; relocate: the misplaced relation
    'Query', // RelationStore.audiencePage: a page of a slice, base table only (the table has no index)
    'PutItem', // RelationStore.relocate: the relation at its new shard, and a tombstone at the old one
    'UpdateItem', // RelationStore.promote: a hot target's new shard layout
  ],
  [usersTable.id]: [
    'BatchGetItem', // UserDirectory.profilesOf: recipients' time zones, flags and opt-outs
  ],
  [ledgerTable.id]: [
    'GetItem', // OutcomeLedger.wasRecorded: the task's batch marker; FatigueLedger.reserve: the rolling-window item
    'BatchGetItem', // JobOutbox.jobsOf: the jobs a checkpoint names, sent again by a resuming copy
    'PutItem', // OutcomeLedger.record: the batch marker, in the transaction with the counters
    'UpdateItem', // FatigueLedger.reserve: counters and dedupe keys; FanoutProgress: lease and checkpoint
    'BatchWriteItem', // JobOutbox.keep: a page's jobs, kept before the checkpoint names them
  ],
  [outcomesTable.id]: [
    'UpdateItem', // OutcomeLedger.record: the counter and usage increments, in the transaction with the marker; CostLedger: usage no unit claimed
  ],
};

/**
 * The one list of each function's DynamoDB actions: exactly the calls of the adapters its handler
 * reaches (functions/lambda-ports.ts wires them, shared/adapters/dynamodb makes the calls). An
 * adapter that starts making another call adds its action here, on each function that reaches it.
 */
export const tableAccess = {
  relationWriter: {
    [relationsTable.id]: [
      'GetItem', // RelationStore.apply: the target's shard layout
      'PutItem', // RelationStore.apply: the relation (or its tombstone), if newer than the stored one
    ],
    [outcomesTable.id]: [
      'UpdateItem', // CostLedger.addOverhead: the invocation's usage, on its overhead line
    ],
  },
  planner: fanOut,
  fanoutWorker: {
    ...fanOut,
    [campaignsTable.id]: [
      'GetItem', // CampaignStore.get: a reader stops when its campaign is cancelled
      'UpdateItem', // CampaignStore.sliceFinished: the reader's mark in its run's set of finished readers
    ],
    [devicesTable.id]: [
      'Scan', // DeviceHolders.holders: a campaign segment's Scan segment, a page at a time
      'BatchGetItem', // DeviceDirectory.devicesOf: the devices of a list's or relation's users, for a segment's device terms
    ],
  },
  deliveryWorker: {
    [devicesTable.id]: [
      'BatchGetItem', // DeviceDirectory.devicesOf: the recipients' devices
      'UpdateItem', // DeviceDirectory.disable: a device the platform reports gone
    ],
    [usersTable.id]: [
      'BatchGetItem', // UserDirectory.profilesOf: time zones for fatigue windows, recipients of personalised pushes
    ],
    [ledgerTable.id]: [
      'GetItem', // OutcomeLedger.wasRecorded: the job's batch marker; FatigueLedger.release: the rolling-window item
      'PutItem', // OutcomeLedger.record: the batch marker, in the transaction with the counters
      'UpdateItem', // DeliveryProgress: lease and checkpoint; FatigueLedger.reserve (held jobs) and release
    ],
    [outcomesTable.id]: [
      'UpdateItem', // OutcomeLedger.record: the counter and usage increments, in the transaction with the marker; CostLedger: usage no unit claimed
    ],
    [campaignsTable.id]: [
      'GetItem', // CampaignStore.get: whether a campaign job's campaign is paused or cancelled (gateCampaignJob)
      'PutItem', // CampaignStore.park: a job that came due while its campaign is paused
    ],
  },
  campaign: {
    [campaignsTable.id]: [
      'GetItem', // CampaignStore.get / finishedReaders: the state, a run's finished readers
      'PutItem', // CampaignStore.create / save: the state, conditional on its version
      'Scan', // CampaignStore.list: the state items (hundreds of campaigns, not millions)
      'Query', // CampaignStore.parked: jobs parked while paused, sent again on resume or settled on cancel
      'DeleteItem', // CampaignStore.unpark
    ],
    [relationsTable.id]: [
      'GetItem', // RelationStore.shardCountOf: a relation audience's target's shards, one reader each
      'Query', // RelationStore.audiencePage: a dry run counts a relation audience and reads its samples
    ],
    [devicesTable.id]: [
      'Scan', // DeviceHolders.holders: a dry run counts (or samples) a segment
      'BatchGetItem', // DeviceDirectory.devicesOf: a dry run's device terms of listed users
      'DescribeTable', // DeviceHolders.approximateCount: a large segment's estimate, and its scan's cost
    ],
    [usersTable.id]: [
      'BatchGetItem', // UserDirectory.profilesOf: a dry run's members and samples
    ],
    [ledgerTable.id]: [
      'PutItem', // OutcomeLedger.record: the batch marker of a cancelled parked job's settlement
    ],
    [outcomesTable.id]: [
      'Query', // OutcomeLedger.summaryOf: the campaign's counters on its launch days, for status
      'UpdateItem', // OutcomeLedger.record: `suppressed: cancelled` of parked jobs; CostLedger.addOverhead
    ],
  },
  deviceRegistration: {
    [devicesTable.id]: [
      'BatchGetItem', // DeviceDirectory.devicesOf: the user's devices, and a token's previous owner's
      'UpdateItem', // DeviceDirectory.save / remove / claimToken
    ],
    [outcomesTable.id]: [
      'UpdateItem', // CostLedger.addOverhead: the invocation's usage, on its overhead line
    ],
  },
  receipt: {
    [ledgerTable.id]: [
      'GetItem', // OutcomeLedger.wasRecorded: a replayed receipt's batch marker
      'PutItem', // OutcomeLedger.record: the batch marker, in the transaction with the counter
    ],
    [outcomesTable.id]: [
      'UpdateItem', // OutcomeLedger.record: the receipt's counter increment, in the transaction with the marker; CostLedger.addOverhead: the invocation's usage, on its overhead line
    ],
  },
  devicePurge: {
    [devicesTable.id]: [
      'Scan', // DeviceDirectory.staleCandidates: users whose oldest device is older than the cutoff
      'BatchGetItem', // DeviceDirectory.devicesOf: a user's devices again after a concurrent registration
      'UpdateItem', // DeviceDirectory.removeStale
    ],
    [outcomesTable.id]: [
      'UpdateItem', // CostLedger.addOverhead: the invocation's usage, on its overhead line
    ],
  },
} as const satisfies Record<string, TableAccess>;

/** Gives a function the actions of its access list, each on the one table it names. */
export const grantTableAccess = (
  fn: IFunction,
  access: TableAccess,
  tableOf: (id: string) => ITableV2 | undefined,
): void => {
  for (const [id, actions] of Object.entries(access)) {
    const table = tableOf(id);
    if (!table) throw new Error(`table access of ${fn.node.path}: no table ${id} in this stack`);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
      }),
    );
  }
};
