import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsPushClient } from '../../shared/adapters/sns/sns-client.ts';
import { SnsPushGateway } from '../../shared/adapters/sns/sns-push-gateway.ts';
import { defaultThrottlePolicy, publishWithBackoff } from '../../shared/domain/push/throttle-policy.ts';

// A local HTTP server that answers Publish as SNS's query protocol does (form-encoded request,
// XML answer), one behaviour per endpoint ARN, counting the requests it receives for each.
const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const REQUEST_TIMEOUT_MS = 300;
const requests = new Map<string, number>();
const errorXml = (type: string, code: string, message: string) =>
  `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;

const answer = (behaviour: string): { status: number; body: string; delayMs?: number } => {
  const published = `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>`;
  if (behaviour === 'slow') return { status: 200, body: published, delayMs: REQUEST_TIMEOUT_MS * 4 };
  if (behaviour === 'error-500')
    return { status: 500, body: errorXml('Receiver', 'InternalError', 'internal') };
  if (behaviour === 'error-503')
    return { status: 503, body: errorXml('Receiver', 'ServiceUnavailable', 'busy') };
  if (behaviour === 'throttled')
    return { status: 400, body: errorXml('Sender', 'Throttling', 'Rate exceeded') };
  return { status: 200, body: published };
};

let server: Server;
let sns: SNSClient;

const arn = (behaviour: string) => `arn:aws:sns:us-east-1:123456789012:endpoint/GCM/herald/${behaviour}`;
const push = { message: '{"default":"hi"}', attributes: {} };
const gateway = () => new SnsPushGateway(sns, {});
const noWait = { ...defaultThrottlePolicy, sleep: async () => undefined };

describe('SNS publishes against an HTTP server that answers like SNS', () => {
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const target = form.get('TargetArn') ?? '';
        requests.set(target, (requests.get(target) ?? 0) + 1);
        const { status, body: xml, delayMs } = answer(target.split('/').pop()!);
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
        }, delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sns = snsPushClient(
      {
        endpoint: `http://127.0.0.1:${port}`,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      },
      REQUEST_TIMEOUT_MS,
    );
  });
  afterAll(async () => {
    sns.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('publishes once and reads the message id', async () => {
    expect(await gateway().publish(arn('ok'), push)).toEqual({ status: 'sent', messageId: 'm-1' });
    expect(requests.get(arn('ok'))).toBe(1);
  });

  it('gives up on a publish slower than the request timeout after one request, as an unknown outcome', async () => {
    const started = Date.now();

    const result = await publishWithBackoff(gateway(), arn('slow'), push, noWait);

    expect(result).toEqual({ status: 'failed', reason: 'unknown-outcome' });
    expect(requests.get(arn('slow'))).toBe(1);
    expect(Date.now() - started).toBeLessThan(REQUEST_TIMEOUT_MS * 3);
  });

  it.each(['error-500', 'error-503'])(
    'sends a publish answered %s once, as an unknown outcome',
    async (behaviour) => {
      const result = await publishWithBackoff(gateway(), arn(behaviour), push, noWait);

      expect(result).toEqual({ status: 'failed', reason: 'unknown-outcome' });
      expect(requests.get(arn(behaviour))).toBe(1);
    },
  );

  it('tries a throttled device 1 + 3 times, as the throttle policy says, not 3 times that', async () => {
    const result = await publishWithBackoff(gateway(), arn('throttled'), push, noWait);

    expect(result).toEqual({ status: 'throttled', reason: 'Throttling' });
    expect(requests.get(arn('throttled'))).toBe(1 + defaultThrottlePolicy.retries);
  });
});
