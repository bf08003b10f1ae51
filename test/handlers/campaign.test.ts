import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { LambdaFunctionURLEventWithIAMAuthorizer } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaignHandler } from '../../functions/campaign/handler.ts';
import { FileUserLists } from '../../shared/adapters/lists/file-user-lists.ts';
import type { CampaignLaunches } from '../../shared/domain/campaigns/launches.ts';
import { defaultPolicy } from '../../shared/domain/fatigue/policy.ts';
import { defaultCatalog } from '../../shared/domain/recipes/default-catalog.ts';
import { DeviceSimulator } from '../../shared/local/device-simulator.ts';
import { localContext } from '../../shared/local/lambda-context.ts';
import { LocalHoldScheduler } from '../../shared/local/local-hold-scheduler.ts';
import { type LocalPorts, provisionLocalPorts } from '../../shared/local/local-ports.ts';
import { ManualClock } from '../../shared/local/manual-clock.ts';
import { fanoutQueue } from '../../shared/resources/queues.ts';
import { sharedEngines } from '../support/engines.ts';

const clock = new ManualClock(new Date('2026-11-21T10:00:00Z'));
const launched: { campaignId: string; at: string }[] = [];
/** Scheduler stands in as a recording: no local engine plays it. */
const launches: CampaignLaunches = {
  schedule: async (campaignId, at) => void launched.push({ campaignId, at: at.toISOString() }),
};
const ops = 'arn:aws:iam::123456789012:user/ops-anna';
let local: LocalPorts;

/** A Function URL request as Lambda hands it over (payload format 2.0), signed by `userArn`. */
const urlEvent = (body: unknown, userArn: string | undefined = ops, method = 'POST') =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      http: { method, path: '/' },
      ...(userArn ? { authorizer: { iam: { userArn, accountId: '123456789012' } } } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
  }) as unknown as LambdaFunctionURLEventWithIAMAuthorizer;

const handler = () => createCampaignHandler(() => local.ports);
const call = async (body: unknown, userArn?: string, method?: string) => {
  const response = (await handler()(urlEvent(body, userArn, method), localContext('campaign'))) as {
    statusCode: number;
    body: string;
  };
  return { status: response.statusCode, body: JSON.parse(response.body) };
};
const campaign = (id: string, fields: Record<string, unknown> = {}) => ({
  id,
  business: 'offers',
  category: 'promotions',
  audience: [{ kind: 'segment' }],
  push: { title: 'Winter sale', body: '20% off' },
  ...fields,
});

beforeAll(async () => {
  local = await provisionLocalPorts(sharedEngines(), {
    gateway: new DeviceSimulator(() => clock.now()),
    holds: new LocalHoldScheduler(),
    catalog: defaultCatalog(),
    policy: defaultPolicy,
    clock,
    launches,
    userLists: new FileUserLists(),
  });
});
afterAll(() => local?.close());

describe('the campaign handler', () => {
  it('records the IAM principal of the Function URL call as who created, started and paused a campaign', async () => {
    const later = campaign('winter-sale', { schedule: { kind: 'at', at: '2026-11-22T10:00:00Z' } });

    const created = await call({ action: 'create', campaign: later });
    const started = await call({ action: 'start', campaignId: 'winter-sale' });
    const paused = await call(
      { action: 'pause', campaignId: 'winter-sale' },
      'arn:aws:sts::123456789012:assumed-role/Ops/bo',
    );
    const status = await call({ action: 'status', campaignId: 'winter-sale' });

    expect(created).toMatchObject({ status: 200, body: { action: 'create', state: { status: 'draft' } } });
    expect(started).toMatchObject({ status: 200, body: { state: { status: 'scheduled' } } });
    expect(paused).toMatchObject({ status: 200, body: { state: { status: 'paused' } } });
    expect(launched).toContainEqual({ campaignId: 'winter-sale', at: '2026-11-22T09:45:00.000Z' });
    expect(status.body.progress).toMatchObject({
      id: 'winter-sale',
      status: 'paused',
      planned: 0,
      remaining: 0,
    });
    expect(status.body.progress.history.map((h: { action: string; by: string }) => [h.action, h.by])).toEqual(
      [
        ['create', ops],
        ['start', ops],
        ['pause', 'arn:aws:sts::123456789012:assumed-role/Ops/bo'],
      ],
    );
  });

  it('launches a campaign started now: its readers go to the fan-out queue, 100 pushes a second each at least', async () => {
    await call({ action: 'create', campaign: campaign('flash-sale', { readers: 3, rate: 300 }) });

    const started = await call({ action: 'start', campaignId: 'flash-sale' });

    expect(started.body.state).toMatchObject({ status: 'running', run: 'r1', slices: 3 });
    const out = await local.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: local.queueUrls[fanoutQueue.id]!, MaxNumberOfMessages: 10 }),
    );
    const taskIds = (out.Messages ?? []).map((m) => JSON.parse(m.Body!).taskId as string).sort();
    expect(taskIds).toEqual([0, 1, 2].map((shard) => `campaign:flash-sale#r1#0#${shard}`));
    // At 150 a second, one reader: two would each fill 75-push jobs.
    await call({ action: 'create', campaign: campaign('slow-sale', { readers: 3, rate: 150 }) });
    expect((await call({ action: 'start', campaignId: 'slow-sale' })).body.state).toMatchObject({
      slices: 1,
    });
  });

  it('dry-runs a campaign: its audience size, cost and timing, and nothing stored', async () => {
    const { status, body } = await call({ action: 'dry-run', campaign: campaign('dry-sale') });

    expect(status).toBe(200);
    expect(body.report).toMatchObject({
      campaign: 'campaign:dry-sale',
      audience: { size: 0, exact: true },
      samples: [],
      firstPushAt: '2026-11-21T10:00:00.000Z',
    });
    expect(await call({ action: 'status', campaignId: 'dry-sale' })).toMatchObject({ status: 404 });
  });

  it('lists every campaign with its progress', async () => {
    const { status, body } = await call({ action: 'list' });

    expect(status).toBe(200);
    expect(body.campaigns.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual(
      expect.arrayContaining([
        ['winter-sale', 'paused'],
        ['flash-sale', 'running'],
      ]),
    );
  });

  it('answers 400 naming the field of a bad campaign, 404 for an unknown one, 409 for a refused step', async () => {
    expect(await call({ action: 'create', campaign: campaign('bad', { rate: -1 }) })).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^campaign\.rate: /) },
    });
    expect(await call({ action: 'stop', campaignId: 'winter-sale' })).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^body\.action: /) },
    });
    expect(await call('{"action": ')).toEqual({
      status: 400,
      body: { error: 'body: expected a JSON object' },
    });
    expect(await call({ action: 'pause', campaignId: 'no-such' })).toEqual({
      status: 404,
      body: { error: 'campaign: no campaign "no-such"' },
    });
    expect(await call({ action: 'resume', campaignId: 'flash-sale' })).toEqual({
      status: 409,
      body: { error: 'campaign flash-sale is running: cannot resume it' },
    });
    expect((await call({ action: 'create', campaign: campaign('flash-sale') })).status).toBe(409);
  });

  it('refuses a request that names no principal, and any method but POST', async () => {
    expect(await call({ action: 'list' }, '')).toMatchObject({ status: 403 });
    expect(await call({ action: 'list' }, ops, 'GET')).toMatchObject({ status: 405 });
  });

  it('takes only `launch` from a direct invocation (Scheduler), which names no caller', async () => {
    await call({
      action: 'create',
      campaign: campaign('due-sale', { schedule: { kind: 'at', at: '2026-11-21T12:00:00Z' } }),
    });
    await call({ action: 'start', campaignId: 'due-sale' });
    clock.advanceTo(new Date('2026-11-21T11:45:00Z'));

    const reply = await handler()({ action: 'launch', campaignId: 'due-sale' }, localContext('campaign'));

    expect(reply).toMatchObject({ action: 'launch', state: { status: 'running', run: 'r1' } });
    await expect(
      handler()({ action: 'cancel', campaignId: 'due-sale' }, localContext('campaign')),
    ).rejects.toThrow('input.action: only "launch" is invoked directly');
  });
});
