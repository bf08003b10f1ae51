import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Log ids and counts, never device tokens, endpoint ARNs' tokens or
 * message bodies: logs are not a place for personal data.
 */
export const logger = new Logger({ serviceName: 'herald' });
