import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 as HttpResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { ReceiptRefusedError } from '../../shared/domain/engagement/errors.ts';
import { HeraldError } from '../../shared/domain/errors.ts';
import { parseOrThrow } from '../../shared/domain/validation.ts';
import { logger } from '../../shared/observability/logger.ts';
import { meteredInvocation, overhead } from '../../shared/observability/metered-invocation.ts';
import { type RecordReceiptDeps, recordReceipt } from '../../shared/use-cases/record-receipt.ts';
import { receiptRequest } from '../contracts.ts';
import { bodyOf, json } from '../device-registration/http.ts';
import { receiptPorts } from './ports.ts';

/**
 * Errors become HTTP here only: a refused token is 401 with its reason, a bad request 400 naming
 * the field, anything else ours (500, details in the log). Successes are not logged: receipts
 * come at the volume of pushes, and CloudWatch Logs bills by the gigabyte.
 */
const errorResponse = (error: unknown): HttpResult => {
  if (error instanceof ReceiptRefusedError) return json(401, { error: error.message });
  if (error instanceof HeraldError) return json(400, { error: error.message });
  logger.error('receipt failed', { error: error as Error });
  return json(500, { error: 'internal error' });
};

/**
 * The receipt endpoint behind a Function URL with no IAM auth: apps call it straight from the
 * device, and the signed token is the authentication. No CORS: the callers are native apps,
 * which browsers' same-origin rules do not concern.
 */
export const createReceiptHandler = (ports: () => RecordReceiptDeps) =>
  middy(async (event: LambdaFunctionURLEvent): Promise<HttpResult> => {
    try {
      const method = event.requestContext.http.method;
      if (method !== 'POST') {
        const refused = json(405, { error: `method: ${method} is not allowed; use POST` });
        return { ...refused, headers: { ...refused.headers, allow: 'POST' } };
      }
      const report = parseOrThrow(receiptRequest, bodyOf(event), 'body');
      return json(200, await recordReceipt(report, ports()));
    } catch (error) {
      return errorResponse(error);
    }
  });

export const handler = meteredInvocation(
  createReceiptHandler(receiptPorts),
  overhead('receipts', receiptPorts),
);
