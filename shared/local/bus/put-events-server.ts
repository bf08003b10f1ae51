import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LocalEventBus, PutEventsEntry } from './local-bus.ts';

const JSON_11 = 'application/x-amz-json-1.1';
/** PutEvents takes at most ten entries per request. */
const MAX_ENTRIES = 10;

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const answer = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': JSON_11, 'x-amzn-requestid': crypto.randomUUID() });
  response.end(JSON.stringify(body));
};

const clientError = (response: ServerResponse, type: string, message: string) =>
  answer(response, 400, { __type: type, message });

/** The JSON protocol sends timestamps as epoch seconds. */
const toEntry = (raw: Record<string, unknown>): PutEventsEntry => ({
  ...(raw as PutEventsEntry),
  ...(typeof raw.Time === 'number' ? { Time: new Date(raw.Time * 1000) } : {}),
});

/**
 * Serves the EventBridge PutEvents API (JSON 1.1 protocol) for the local bus, so a publisher's
 * own `@aws-sdk/client-eventbridge` client, pointed at this endpoint, works unchanged.
 */
export const servePutEvents = async (
  bus: LocalEventBus,
  port = 0,
): Promise<{ endpoint: string; server: Server }> => {
  const server = createServer(async (request, response) => {
    try {
      const target = request.headers['x-amz-target'];
      if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
        return clientError(
          response,
          'UnknownOperationException',
          `The local bus answers only PutEvents, not ${String(target)}`,
        );
      }
      let body: { Entries?: unknown };
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        return clientError(response, 'SerializationException', 'The request body is not valid JSON');
      }
      const entries = body.Entries;
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
        return clientError(
          response,
          'ValidationException',
          `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
        );
      }
      answer(response, 200, bus.putEvents(entries.map((e) => toEntry(e as Record<string, unknown>))));
    } catch (error) {
      answer(response, 500, { __type: 'InternalException', message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { endpoint: `http://127.0.0.1:${actualPort}`, server };
};
