import { z } from 'zod';
import { retryingClientConfig } from '../../shared/adapters/client-config.ts';
import { DynamoDbCostLedger } from '../../shared/adapters/dynamodb/cost-ledger.ts';
import { documentClient } from '../../shared/adapters/dynamodb/document-client.ts';
import { DynamoDbOutcomeLedger } from '../../shared/adapters/dynamodb/outcome-ledger.ts';
import { FirehoseMessageLog } from '../../shared/adapters/message-log/firehose-message-log.ts';
import { SecretsManagerReceiptKeys } from '../../shared/adapters/receipts/secrets-manager-keys.ts';
import { systemClock } from '../../shared/domain/clock.ts';
import type { CostLedger } from '../../shared/domain/costs/usage-counters.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import { requestMeter } from '../../shared/observability/request-meter.ts';
import { receiptKeySecret } from '../../shared/resources/secrets.ts';
import { ledgerTable, outcomesTable, tableEnvName } from '../../shared/resources/tables.ts';
import type { RecordReceiptDeps } from '../../shared/use-cases/record-receipt.ts';

/** The same variable the pipeline's functions read the stream from (functions/port-environment.ts). */
const messageLogStreamEnv = 'HERALD_MESSAGE_LOG_STREAM';

const env = (name: string) => z.string({ error: `environment variable ${name} is not set` }).min(1);

/** The receipt function's environment: only what it touches, unlike the pipeline's functions. */
export const receiptEnvironment = z.object({
  [tableEnvName(outcomesTable)]: env(tableEnvName(outcomesTable)),
  [tableEnvName(ledgerTable)]: env(tableEnvName(ledgerTable)),
  [receiptKeySecret.envName]: env(receiptKeySecret.envName),
  [messageLogStreamEnv]: env(messageLogStreamEnv),
});

/** What the receipt handler uses, and where its invocations' usage goes (overhead line `receipts`). */
export type ReceiptPorts = RecordReceiptDeps & { readonly costs: CostLedger };

let ports: ReceiptPorts | undefined;

/** The receipt endpoint's ports, built once per container on first use. */
export const receiptPorts = (): ReceiptPorts => {
  if (ports) return ports;
  const e = parseOrThrow(receiptEnvironment, process.env, 'env') as Record<string, string>;
  const tables = { outcomes: e[tableEnvName(outcomesTable)]!, ledger: e[tableEnvName(ledgerTable)]! };
  // Counted by the request meter, as every client of the pipeline's functions (lambda-ports.ts).
  const dynamodb = documentClient(retryingClientConfig);
  requestMeter.attach(dynamodb, 'dynamodb');
  ports = {
    keys: new SecretsManagerReceiptKeys(e[receiptKeySecret.envName]!),
    outcomes: new DynamoDbOutcomeLedger(dynamodb, tables, () => systemClock.now()),
    costs: new DynamoDbCostLedger(dynamodb, tables.outcomes),
    messageLog: new FirehoseMessageLog(e[messageLogStreamEnv]!),
    clock: systemClock,
  };
  return ports;
};
