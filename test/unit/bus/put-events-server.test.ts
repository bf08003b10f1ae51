import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { busName, followed, postRaw, startRecordingBus } from './recording-bus.ts';

let local: Awaited<ReturnType<typeof startRecordingBus>>;

describe('servePutEvents on hostile input', () => {
  beforeAll(async () => {
    local = await startRecordingBus();
  });
  beforeEach(() => {
    local.deliveries.length = 0;
  });
  afterAll(() => local.stop());

  it.each([
    ['a null body', 'null', /Value null at 'entries'/],
    ['a body without entries', '{}', /Value null at 'entries'/],
    ['a null entry', JSON.stringify({ Entries: [followed('amy'), null] }), /'entries\.2\.member'/],
    [
      'a body nested 100,000 levels deep',
      `{"Entries":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`,
      /deeper than 1000/,
    ],
    [
      'a detail nested 100,000 levels deep',
      JSON.stringify({
        Entries: [
          followed('amy'),
          { ...followed('ben'), Detail: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}` },
        ],
      }),
      /Entries\[1\]\.Detail: JSON nested deeper than 1000/,
    ],
  ])('refuses %s with a 400 ValidationException, dispatching nothing', async (_, body, message) => {
    const response = await postRaw(local.endpoint, body);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      __type: 'ValidationException',
      message: expect.stringMatching(message),
    });
    await local.bus.idle();
    expect(local.deliveries).toEqual([]);
  });

  it('refuses a non-string Source naming the field, rather than accepting and dropping it', async () => {
    const response = await postRaw(
      local.endpoint,
      JSON.stringify({ Entries: [followed('amy'), { ...followed('ben'), Source: 42 }] }),
    );

    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      __type: 'SerializationException',
      message: 'Entries[1].Source: expected a string, received number',
    });
    await local.bus.idle();
    expect(local.deliveries).toEqual([]);
  });

  it('accepts only its own bus, by exact name or ARN', async () => {
    const names = [
      busName,
      `arn:aws:events:us-east-1:000000000000:event-bus/${busName}`,
      `evil-${busName}`,
      `arn:aws:events:us-east-1:000000000000:event-bus/evil-${busName}`,
      'default',
    ];
    const client = local.client();

    const out = await client.send(
      new PutEventsCommand({
        Entries: names.map((EventBusName, i) => ({ ...followed(`u${i}`), EventBusName })),
      }),
    );

    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'ok',
      'NotFoundException',
      'NotFoundException',
      'NotFoundException',
    ]);
    client.destroy();
  });

  it('refuses a request whose entries total more than 1 MB by the entry-size formula', async () => {
    const client = local.client();
    // Each detail alone fits; 2.5 MB together do not.
    const big = (n: number) => ({
      ...followed(`u${n}`),
      Detail: JSON.stringify({ pad: 'x'.repeat(500_000) }),
    });

    await expect(
      client.send(new PutEventsCommand({ Entries: [big(1), big(2), big(3), big(4), big(5)] })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/over the limit/),
    });
    const out = await client.send(
      new PutEventsCommand({
        Entries: [{ ...followed('u'), Detail: JSON.stringify({ pad: 'x'.repeat(1024 * 1024 - 100) }) }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    client.destroy();
  });

  it('refuses a batch whose later entry cannot be processed before dispatching any: the SDK does not retry it', async () => {
    const client = local.client();
    const deep = { ...followed('ben'), Detail: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}` };

    const sent = client.send(new PutEventsCommand({ Entries: [followed('amy'), deep] }));

    await expect(sent).rejects.toMatchObject({ name: 'ValidationException', $metadata: { attempts: 1 } });
    await local.bus.idle();
    expect(local.deliveries).toEqual([]);
    client.destroy();
  });

  it('answers entries per entry once any goes out: each good one is dispatched once, each bad one named', async () => {
    const out = local.bus.putEvents([
      followed('amy'),
      { ...followed('ben'), Detail: 'null' },
      { ...followed('cai'), Resources: 5 as unknown as string[] },
      { ...followed('dan'), Source: 42 as unknown as string },
      followed('eve'),
    ]);

    expect(out.FailedEntryCount).toBe(3);
    expect(out.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'ok',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      'ok',
    ]);
    await local.bus.idle();
    expect(local.deliveries.map((d) => d.rule)).toEqual([
      'relations-market-social',
      'relations-market-social',
    ]);
  });

  it('keeps an event of an unknown or mis-cased source on the rejected-events rule, with the source in the reason', async () => {
    const client = local.client();

    await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'market.item', DetailType: 'ItemListed', Detail: '{}' },
          { Source: 'Market.Items', DetailType: 'ItemListed', Detail: '{}' },
        ],
      }),
    );
    await local.bus.idle();

    expect(local.deliveries.map((d) => [d.rule, d.input.reason, d.input.event?.source])).toEqual([
      ['unknown-sources', 'source: no recipe or relation rule expects "market.item"', 'market.item'],
      ['unknown-sources', 'source: no recipe or relation rule expects "Market.Items"', 'Market.Items'],
    ]);
    client.destroy();
  });
});
