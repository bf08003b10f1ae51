import { Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { tables } from '../shared/resources/tables.ts';
import { HeraldTable } from './constructs/herald-tables.ts';
import { tagForCostAllocation } from './cost-allocation.ts';

/**
 * Herald's state: every table, in a stack of its own so that no change to the functions, queues
 * or rules can ever replace a table.
 */
export class HeraldDataStack extends Stack {
  readonly tables: ReadonlyMap<string, TableV2>;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.tables = new Map(
      tables.map((definition) => [definition.id, new HeraldTable(this, definition).table]),
    );
    tagForCostAllocation(this);
  }
}
