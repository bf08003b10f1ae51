import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { createReceiptHandler } from '../../functions/receipt/handler.ts';
import type { RecordReceiptDeps } from '../use-cases/record-receipt.ts';
import { localContext } from './lambda-context.ts';

/** Far above a receipt (about 400 bytes); a larger body is read to its end but not kept. */
const MAX_BODY_BYTES = 64 * 1024;

const readBody = async (request: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return bytes <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
};

/** The request as the Function URL hands it to Lambda: the parts the receipt handler reads. */
const functionUrlEvent = (request: IncomingMessage, body: string): LambdaFunctionURLEvent => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, [value].flat().join(',')]),
  );
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    body,
    isBase64Encoded: false,
    requestContext: {
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
    },
  } as LambdaFunctionURLEvent;
};

/**
 * The receipt endpoint of the local runtime: the Lambda handler itself behind node:http on the
 * loopback interface, so apps, the device simulator and tests meet the same answers as on the
 * Function URL (401 with a reason, replays counted once).
 */
export const serveReceipts = async (
  deps: RecordReceiptDeps,
  port = 0,
): Promise<{ endpoint: string; server: Server }> => {
  const handler = createReceiptHandler(() => deps);
  const server = createServer((request, response) => {
    const handle = async () => {
      const body = await readBody(request);
      const result =
        body === undefined
          ? {
              statusCode: 413,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ error: `body: over ${MAX_BODY_BYTES} bytes` }),
            }
          : await handler(functionUrlEvent(request, body), localContext('receipt'));
      response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
      response.end(result.body);
    };
    handle().catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen({ port, host: '127.0.0.1' }, resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { endpoint: `http://127.0.0.1:${actualPort}`, server };
};
