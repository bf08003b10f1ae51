import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PutEventsRequestError, PutEventsValidationError } from './errors.ts';
import type { LocalEventBus } from './local-bus.ts';
import { MAX_REQUEST_ENTRY_BYTES } from './put-events-limits.ts';
import { readPutEventsRequest } from './put-events-request.ts';

const JSON_11 = 'application/x-amz-json-1.1';

/**
 * Bytes of body kept: JSON escaping at most doubles the entries' text, plus room for the keys.
 * A longer body is read to its end (so the client never meets a reset) but not kept.
 */
const MAX_BODY_BYTES = 2 * MAX_REQUEST_ENTRY_BYTES + 64 * 1024;

export interface PutEventsServerOptions {
  /** 0 picks a free port. */
  readonly port?: number;
  /** Requests worked on at once; beyond, a request is answered `ThrottlingException`. */
  readonly maxRequestsInFlight?: number;
  /** Deliveries the bus may owe its targets; beyond, a request is answered `ThrottlingException`. */
  readonly maxPendingDeliveries?: number;
}

/** The body as text, or undefined when it runs past what a PutEvents request can hold. */
const readBody = async (request: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return bytes <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined;
};

/** Reads the body to its end without keeping it: answering first would reset a client still sending. */
const discardBody = async (request: IncomingMessage): Promise<void> => {
  for await (const _ of request);
};

const answer = (response: ServerResponse, status: number, body: unknown) => {
  if (response.headersSent || response.destroyed) return;
  response.writeHead(status, { 'content-type': JSON_11, 'x-amzn-requestid': crypto.randomUUID() });
  response.end(JSON.stringify(body));
};

const clientError = (response: ServerResponse, type: string, message: string) =>
  answer(response, 400, { __type: type, message });

/**
 * Serves the EventBridge PutEvents API (JSON 1.1 protocol) for the local bus, so a publisher's
 * own `@aws-sdk/client-eventbridge` client, pointed at this endpoint, works unchanged. Answers
 * as AWS does: per entry once any entry is accepted, HTTP 400 for a request refused as a whole,
 * and `ThrottlingException` (which the SDK retries) when more work is in flight than the bounds
 * allow, so a flood is slowed down rather than dropped. `bus` is the local bus, or a stand-in
 * around it that tests use to inject per-entry failures.
 */
export const servePutEvents = async (
  bus: Pick<LocalEventBus, 'putEvents' | 'pendingDeliveries'>,
  portOrOptions: number | PutEventsServerOptions = 0,
): Promise<{ endpoint: string; server: Server }> => {
  const options = typeof portOrOptions === 'number' ? { port: portOrOptions } : portOrOptions;
  const maxRequests = options.maxRequestsInFlight ?? 64;
  const maxDeliveries = options.maxPendingDeliveries ?? 10_000;
  let inFlight = 0;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = request.headers['x-amz-target'];
    if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      await discardBody(request);
      return clientError(
        response,
        'UnknownOperationException',
        `The local bus answers only PutEvents, not ${String(target)}`,
      );
    }
    if (inFlight >= maxRequests || bus.pendingDeliveries >= maxDeliveries) {
      await discardBody(request);
      return clientError(response, 'ThrottlingException', 'Rate exceeded');
    }
    inFlight++;
    response.once('close', () => inFlight--);
    try {
      const body = await readBody(request);
      if (body === undefined) {
        throw new PutEventsValidationError(
          `Total size of the entries in the request is over the limit: the body exceeds ${MAX_BODY_BYTES} bytes.`,
        );
      }
      answer(response, 200, bus.putEvents(readPutEventsRequest(body)));
    } catch (error) {
      if (error instanceof PutEventsRequestError) return clientError(response, error.awsType, error.message);
      // The bus dispatches nothing before it can no longer fail, so a retry of this is safe.
      answer(response, 500, { __type: 'InternalException', message: String(error) });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  const port = options.port ?? 0;
  // A deep accept queue: a burst of connections waits its turn instead of being refused.
  await new Promise<void>((resolve) => server.listen({ port, host: '127.0.0.1', backlog: 4096 }, resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { endpoint: `http://127.0.0.1:${actualPort}`, server };
};
