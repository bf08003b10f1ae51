import type { SQSRecord } from 'aws-lambda';

/** An SQS record as a Lambda event source mapping delivers it; `body` is sent as is. */
export const sqsRecord = (body: string, messageId: string, receives = 1): SQSRecord => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receives),
    SentTimestamp: '1763719200000',
    SenderId: 'AIDA',
    ApproximateFirstReceiveTimestamp: '1763719200000',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:herald-queue',
  awsRegion: 'us-east-1',
});
