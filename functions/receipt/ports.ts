import { z } from 'zod';
import { retryingClientConfig } from '../../shared/adapters/client-config.ts';
import { documentClient } from '../../shared/adapters/dynamodb/document-client.ts';
import { DynamoDbOutcomeLedger } from '../../shared/adapters/dynamodb/outcome-ledger.ts';
import { SecretsManagerReceiptKeys } from '../../shared/adapters/receipts/secrets-manager-keys.ts';
import { systemClock } from '../../shared/domain/clock.ts';
import { noMessageLog } from '../../shared/domain/engagement/message-log.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import { receiptKeySecret } from '../../shared/resources/secrets.ts';
import { ledgerTable, outcomesTable, tableEnvName } from '../../shared/resources/tables.ts';
import type { RecordReceiptDeps } from '../../shared/use-cases/record-receipt.ts';

const env = (name: string) => z.string({ error: `environment variable ${name} is not set` }).min(1);

/** The receipt function's environment: only what it touches, unlike the pipeline's functions. */
export const receiptEnvironment = z.object({
  [tableEnvName(outcomesTable)]: env(tableEnvName(outcomesTable)),
  [tableEnvName(ledgerTable)]: env(tableEnvName(ledgerTable)),
  [receiptKeySecret.envName]: env(receiptKeySecret.envName),
});

let ports: RecordReceiptDeps | undefined;

/**
 * The receipt endpoint's ports, built once per container on first use. The message log keeps
 * nothing here yet: the Firehose adapter is wired in by the change that adds the stream.
 */
export const receiptPorts = (): RecordReceiptDeps => {
  if (ports) return ports;
  const e = parseOrThrow(receiptEnvironment, process.env, 'env') as Record<string, string>;
  const tables = { outcomes: e[tableEnvName(outcomesTable)]!, ledger: e[tableEnvName(ledgerTable)]! };
  ports = {
    keys: new SecretsManagerReceiptKeys(e[receiptKeySecret.envName]!),
    outcomes: new DynamoDbOutcomeLedger(documentClient(retryingClientConfig), tables, () =>
      systemClock.now(),
    ),
    messageLog: noMessageLog,
    clock: systemClock,
  };
  return ports;
};
