import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlCampaigns, regionOfUrl } from '../../shared/cli/campaign-url-client.ts';
import type { CampaignProgress } from '../../shared/domain/campaigns/progress.ts';
import { runHerald, scenarioFile, spawnedTimeoutMs } from '../support/herald-cli.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const progress: CampaignProgress = {
  id: 'winter-sale',
  status: 'running',
  run: 'r1',
  runs: 1,
  rate: 100,
  planned: 1000,
  delivered: 400,
  suppressed: { fatigue: 50 },
  failed: { 'endpoint-disabled': 2 },
  remaining: 548,
  etaSeconds: 6,
  readers: { finished: 2, total: 4 },
  history: [
    { action: 'create', by: 'arn:aws:iam::123456789012:user/ops-anna', at: '2026-11-21T10:00:00.000Z' },
  ],
};

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}
const received: Received[] = [];
let server: Server;
let url: string;

/** What the function URL answers each action with: a status, a conflict, or a bad request. */
const answer = (body: string): [number, unknown] => {
  const { action } = JSON.parse(body) as { action: string };
  if (action === 'status') return [200, { action: 'status', progress }];
  if (action === 'resume') return [409, { error: 'campaign winter-sale is running: cannot resume it' }];
  return [400, { error: 'campaign.rate: Too small: expected number to be >0' }];
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const [status, reply] = answer(body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Checks a request's SigV4 signature from scratch (AWS's documented algorithm), independent of the signer. */
const sigV4 = (request: Received, secretAccessKey: string) => {
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      String(request.headers.authorization),
    );
  if (!match) throw new Error(`not a SigV4 Authorization header: ${request.headers.authorization}`);
  const [, accessKeyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  const canonicalHeaders = signedHeaders!
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim()}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    request.path,
    '',
    canonicalHeaders,
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    request.headers['x-amz-date'],
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day!), region!), service!), 'aws4_request');
  return {
    accessKeyId,
    scope,
    signedHeaders: signedHeaders!.split(';'),
    valid: createHmac('sha256', key).update(stringToSign).digest('hex') === signature,
  };
};

describe('herald campaign --aws: the Function URL client', () => {
  it('signs each action with SigV4 for the lambda service, with the caller credentials, and posts it as JSON', async () => {
    received.length = 0;
    const campaigns = await functionUrlCampaigns({
      url,
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'session-token-of-ops' },
      now: () => new Date('2026-11-21T10:00:00Z'),
    });

    const reply = await campaigns.send({ action: 'status', campaignId: 'winter-sale' });

    expect(reply).toEqual({ action: 'status', progress });
    const [request] = received;
    expect(JSON.parse(request!.body)).toEqual({ action: 'status', campaignId: 'winter-sale' });
    expect(request!.headers['x-amz-date']).toBe('20261121T100000Z');
    expect(request!.headers['x-amz-security-token']).toBe('session-token-of-ops');
    const signature = sigV4(request!, credentials.secretAccessKey);
    expect(signature).toMatchObject({
      accessKeyId: 'AKIDEXAMPLE',
      scope: '20261121/eu-west-1/lambda/aws4_request',
      valid: true,
    });
    expect(signature.signedHeaders).toEqual(
      expect.arrayContaining(['content-type', 'host', 'x-amz-date', 'x-amz-security-token']),
    );
    // The check can fail: another secret, or another body, does not verify.
    expect(sigV4(request!, 'another-secret').valid).toBe(false);
    expect(
      sigV4({ ...request!, body: request!.body.replace('winter', 'summer') }, credentials.secretAccessKey)
        .valid,
    ).toBe(false);
  });

  it('takes the region from a Function URL host', () => {
    expect(regionOfUrl(new URL('https://abcdefghij.lambda-url.eu-central-1.on.aws/'))).toBe('eu-central-1');
    expect(regionOfUrl(new URL('http://127.0.0.1:9000/'))).toBeUndefined();
  });

  const aws = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: 'eu-west-1',
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  };

  it(
    'prints the status the function answers, the request signed with the credentials of the environment',
    async () => {
      received.length = 0;

      const { code, stdout } = await runHerald(['campaign', 'status', 'winter-sale', '--aws'], {
        env: { ...aws, HERALD_CAMPAIGN_URL: url },
      });

      expect(code).toBe(0);
      expect(stdout).toContain('winter-sale: running (run r1, readers 2/4 done)');
      expect(stdout).toContain('  suppressed: fatigue 50');
      expect(stdout).toContain('  remaining 548 at 100/s, ETA 6s');
      expect(received).toHaveLength(1);
      expect(sigV4(received[0]!, credentials.secretAccessKey)).toMatchObject({
        scope: expect.stringMatching(/^\d{8}\/eu-west-1\/lambda\/aws4_request$/),
        valid: true,
      });
    },
    spawnedTimeoutMs,
  );

  it(
    'exits 1 with the function’s reason for a refused step or an unreachable URL, 2 for a bad campaign or --aws without a URL',
    async () => {
      const [refused, bad, noUrl, unreachable] = await Promise.all([
        runHerald(['campaign', 'resume', 'winter-sale', '--aws', '--url', url], { env: aws }),
        scenarioFile({ id: 'x' }).then((file) =>
          runHerald(['campaign', 'create', file, '--aws', '--url', url], { env: aws }),
        ),
        runHerald(['campaign', 'list', '--aws'], { env: aws }),
        runHerald(['campaign', 'list', '--aws', '--url', 'http://127.0.0.1:1/'], { env: aws }),
      ]);

      expect(refused).toMatchObject({
        code: 1,
        stderr: 'herald campaign: campaign winter-sale is running: cannot resume it\n',
      });
      expect(bad).toMatchObject({
        code: 2,
        stderr: 'herald campaign: campaign.rate: Too small: expected number to be >0\n',
      });
      expect(noUrl.code).toBe(2);
      expect(noUrl.stderr).toContain('--aws needs --url');
      expect(unreachable).toMatchObject({
        code: 1,
        stderr: 'herald campaign: connect ECONNREFUSED 127.0.0.1:1\n',
      });
    },
    spawnedTimeoutMs,
  );
});
