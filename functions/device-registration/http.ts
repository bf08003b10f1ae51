import type { APIGatewayProxyStructuredResultV2 as HttpResult, LambdaFunctionURLEvent } from 'aws-lambda';
import { HeraldError, ValidationError } from '../../shared/domain/errors.ts';
import { logger } from '../../shared/observability/logger.ts';

/** A JSON response of a Function URL. */
export const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The request body as JSON; a body that is not JSON is a validation error on `body`. */
export const bodyOf = (event: LambdaFunctionURLEvent): unknown => {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new ValidationError('body', 'expected a JSON object');
  }
};

/**
 * The one place errors become HTTP: a domain error is the caller's to fix (400, with the reason
 * naming the field); anything else is ours (500, details in the log only).
 */
export const errorResponse = (error: unknown): HttpResult => {
  if (error instanceof HeraldError) return json(400, { error: error.message });
  logger.error('device registration failed', { error: error as Error });
  return json(500, { error: 'internal error' });
};
