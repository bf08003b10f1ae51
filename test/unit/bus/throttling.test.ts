import { Agent, request } from 'node:http';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { followed, startRecordingBus } from './recording-bus.ts';

const FLOOD = 1_000;

/** One PutEvents request on its own connection: its status and error type, or the network error. */
const postOnOwnConnection = (endpoint: string, agent: Agent, body: string) =>
  new Promise<{ status?: number; type?: string; networkError?: string }>((resolve) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode, type: (JSON.parse(text) as { __type?: string }).__type }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ networkError: error.code ?? error.message }));
    req.end(body);
  });

describe('servePutEvents under load', () => {
  it('answers ThrottlingException while its deliveries are backed up, and the SDK retry then succeeds', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const local = await startRecordingBus({ maxPendingDeliveries: 1, hold });
    const client = local.client({ maxAttempts: 5 });
    const throttled: string[] = [];
    // Inside the retry middleware, so it sees each attempt's failure; lets the held delivery go once the bus has refused one.
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          throttled.push((error as Error).name);
          release();
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'observeThrottling' },
    );
    await client.send(new PutEventsCommand({ Entries: [followed('amy')] }));

    const out = await client.send(new PutEventsCommand({ Entries: [followed('ben')] }));
    await local.bus.idle();

    expect(throttled).toEqual(['ThrottlingException']);
    expect(out.$metadata.attempts).toBe(2);
    expect(out.FailedEntryCount).toBe(0);
    expect(local.deliveries).toHaveLength(2);
    client.destroy();
    await local.stop();
  });

  it(`answers ${FLOOD} concurrent connections each with a result or a ThrottlingException, never a reset`, async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    // Held deliveries make the bound deterministic: the first 100 events fill it, whatever the timing.
    const local = await startRecordingBus({ maxPendingDeliveries: 100, hold });
    const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
    const body = (i: number) => JSON.stringify({ Entries: [followed(`u${i}`)] });

    const answers = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) => postOnOwnConnection(local.endpoint, agent, body(i))),
    );
    release();
    await local.bus.idle();

    const outcomes = answers.map(
      (a) => a.networkError ?? (a.status === 200 ? 'ok' : `${a.status} ${a.type}`),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(100);
    expect(outcomes.filter((o) => o === '400 ThrottlingException')).toHaveLength(FLOOD - 100);
    // Only what was acknowledged went out, and went out once.
    expect(local.deliveries).toHaveLength(100);
    agent.destroy();
    await local.stop();
  });

  it(`lets a publisher's SDK client push ${FLOOD} concurrent requests: each succeeds or ends throttled`, async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const local = await startRecordingBus({ maxPendingDeliveries: 100, maxRequestsInFlight: 8, hold });
    const client = local.client({
      maxAttempts: 3,
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: FLOOD }) },
    });
    const attemptFailures: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          attemptFailures.push((error as Error).name);
          release();
          throw error;
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: 'observeThrottling' },
    );

    const results = await Promise.allSettled(
      Array.from({ length: FLOOD }, (_, i) =>
        client.send(new PutEventsCommand({ Entries: [followed(`u${i}`)] })),
      ),
    );
    await local.bus.idle();

    const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).name] : []));
    expect(attemptFailures.length).toBeGreaterThan(0);
    expect(new Set(attemptFailures)).toEqual(new Set(['ThrottlingException']));
    expect(failures.filter((name) => name !== 'ThrottlingException')).toEqual([]);
    expect(local.deliveries).toHaveLength(FLOOD - failures.length);
    client.destroy();
    await local.stop();
  });
});
