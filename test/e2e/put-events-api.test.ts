import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../shared/local/engines.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { type LocalRuntime, startLocalRuntime } from '../../shared/local/runtime.ts';
import { rejectedEventsQueue } from '../../shared/resources/queues.ts';
import { audienceOf } from '../support/audience.ts';
import { sharedEngines } from '../support/engines.ts';

let runtime: LocalRuntime;
let publisher: EventBridgeClient;
// Herald's clock, not the machine's: event times below are checked against it (clock skew bound).
const now = new Date('2026-11-21T10:00:00Z');

describe('the local bus answers the EventBridge PutEvents API', () => {
  beforeAll(async () => {
    runtime = await startLocalRuntime({ engines: sharedEngines(), clock: new ManualClock(now) });
    // A publisher's own client, unchanged but for the endpoint.
    publisher = new EventBridgeClient({
      endpoint: runtime.busEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
  });
  afterAll(async () => {
    publisher.destroy();
    await runtime.stop();
  });

  it('accepts good entries and reports bad ones per entry, in request order', async () => {
    const out = await publisher.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: runtime.busName,
            Source: 'market.social',
            DetailType: 'UserFollowed',
            Detail: JSON.stringify({ followerId: 'amy', sellerId: 'seller-1' }),
          },
          { Source: 'market.social', DetailType: 'UserFollowed', Detail: '{not json' },
          { DetailType: 'UserFollowed', Detail: '{}' },
          {
            Source: 'market.social',
            DetailType: 'UserFollowed',
            Detail: '{}',
            EventBusName: 'someone-elses-bus',
          },
        ],
      }),
    );

    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.slice(1).map((e) => e.ErrorCode)).toEqual([
      'MalformedDetail',
      'InvalidArgument',
      'NotFoundException',
    ]);
    expect(out.Entries?.[2]?.ErrorMessage).toMatch(/Source/);

    await runtime.drain();
    expect(await audienceOf(runtime.ports.relations, 'follow', 'seller-1', now)).toContain('amy');
  });

  it('stamps the event time the publisher gives', async () => {
    const time = new Date('2026-11-20T08:00:00Z');
    await publisher.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'market.social',
            DetailType: 'UserFollowed',
            Detail: JSON.stringify({ followerId: 'ben', sellerId: 'seller-2' }),
            Time: time,
          },
          {
            Source: 'market.social',
            DetailType: 'UserUnfollowed',
            Detail: JSON.stringify({ followerId: 'ben', sellerId: 'seller-2' }),
            Time: new Date('2026-11-20T07:00:00Z'),
          },
        ],
      }),
    );
    await runtime.drain();

    // The unfollow happened before the follow, so the follow stands, whatever the arrival order.
    expect(await audienceOf(runtime.ports.relations, 'follow', 'seller-2', now)).toContain('ben');
  });

  it('refuses a request of more than ten entries as a whole', async () => {
    const entry = { Source: 'market.social', DetailType: 'UserFollowed', Detail: '{}' };

    await expect(
      publisher.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
    ).rejects.toThrow(/length between 1 and 10/);
  });

  it('keeps an event of a mis-cased source on the rejected-events queue, with the reason naming it', async () => {
    await publisher.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: `arn:aws:events:${localRegion}:000000000000:event-bus/${runtime.busName}`,
            Source: 'Market.Items',
            DetailType: 'ItemListed',
            Detail: '{}',
          },
        ],
      }),
    );
    await runtime.drain();

    const out = await runtime.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runtime.queueUrls[rejectedEventsQueue.id],
        MaxNumberOfMessages: 10,
      }),
    );
    const kept = (out.Messages ?? []).map(
      (m) => JSON.parse(m.Body!) as { reason: string; event: { source: string } },
    );
    expect(kept.map((k) => [k.reason, k.event.source])).toEqual([
      ['source: no recipe or relation rule expects "Market.Items"', 'Market.Items'],
    ]);
  });

  it('refuses a null body and a 2.5 MB request with a 400 ValidationException', async () => {
    const post = (body: string) =>
      fetch(runtime.busEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
        body,
      });
    const big = {
      Source: 'market.social',
      DetailType: 'UserFollowed',
      Detail: JSON.stringify({ pad: 'x'.repeat(500_000) }),
    };

    const nullBody = await post('null');
    const tooLarge = await post(JSON.stringify({ Entries: Array.from({ length: 5 }, () => big) }));

    expect([nullBody.status, ((await nullBody.json()) as { __type: string }).__type]).toEqual([
      400,
      'ValidationException',
    ]);
    expect([tooLarge.status, ((await tooLarge.json()) as { __type: string }).__type]).toEqual([
      400,
      'ValidationException',
    ]);
  });
});
