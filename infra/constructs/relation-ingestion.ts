import { Duration } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { functionSizing } from '../../shared/resources/functions.ts';
import type { FunctionEnvironment } from '../function-environment.ts';
import { grantTableAccess, tableAccess } from '../table-access.ts';
import { HeraldFunction } from './herald-function.ts';
import type { Monitored, Monitoring } from './monitoring.ts';

export interface RelationIngestionProps {
  readonly environment: FunctionEnvironment;
  readonly tables: ReadonlyMap<string, TableV2>;
  /** Where the writer keeps social events it cannot read, with the reason. */
  readonly rejected: IQueue;
  /** Where an event the writer keeps failing on ends after Lambda's retries. */
  readonly undeliverable: IQueue;
}

/** Relation ingestion: the writer that keeps the relations social events describe. */
export class RelationIngestion extends Construct implements Monitored {
  readonly writer: IFunction;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: RelationIngestionProps) {
    super(scope, id);
    const writer = new HeraldFunction(this, 'Writer', {
      entry: 'functions/relation-writer/handler.ts',
      description: 'Keeps relations from social events',
      timeout: Duration.seconds(functionSizing.relationWriter.timeoutSeconds),
      memorySize: functionSizing.relationWriter.memoryMb,
      environment: props.environment.of('relationWriter'),
    }).fn;
    this.writer = writer;
    // EventBridge invokes the writer asynchronously: an event it keeps failing on after Lambda's
    // retries lands on the undeliverable queue (and its alarm), not nowhere.
    writer.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(props.undeliverable) });
    grantTableAccess(writer, tableAccess.relationWriter, (tableId) => props.tables.get(tableId));
    props.rejected.grantSendMessages(writer);
    this.monitoring = { functions: [{ label: 'Relation writer', fn: writer }] };
  }
}
