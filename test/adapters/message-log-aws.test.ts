import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaMessageLogReader, athenaSource } from '../../shared/adapters/message-log/athena-queries.ts';
import {
  FirehoseMessageLog,
  maxRecordBytes,
} from '../../shared/adapters/message-log/firehose-message-log.ts';
import { statsQuery, traceQuery } from '../../shared/adapters/message-log/queries.ts';
import { MessageLogError, MessageLogQueryError } from '../../shared/domain/engagement/errors.ts';
import type { MessageRecord } from '../../shared/domain/engagement/message-log.ts';

const record = (userId: string, extra: Partial<MessageRecord> = {}): MessageRecord => ({
  time: '2026-11-21T10:00:00.000Z',
  step: 'planned',
  scope: 'price-drop',
  variant: 'A',
  eventId: 'e1',
  userId,
  ...extra,
});
const text = (data: Uint8Array | undefined) => new TextDecoder().decode(data);

describe('FirehoseMessageLog', () => {
  const firehose = mockClient(FirehoseClient);
  beforeEach(() => firehose.reset());

  it('sends one batch as one PutRecord of NDJSON lines', async () => {
    firehose.on(PutRecordCommand).resolves({ RecordId: 'r1' });
    const log = new FirehoseMessageLog('herald-messages', new FirehoseClient({}));

    await log.append([record('u1'), record('u2', { step: 'suppressed', reason: 'holdout' })]);

    const calls = firehose.commandCalls(PutRecordCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.DeliveryStreamName).toBe('herald-messages');
    expect(text(input.Record?.Data)).toBe(
      '{"time":"2026-11-21T10:00:00.000Z","step":"planned","scope":"price-drop","variant":"A","eventId":"e1","userId":"u1"}\n' +
        '{"time":"2026-11-21T10:00:00.000Z","step":"suppressed","scope":"price-drop","variant":"A","eventId":"e1","userId":"u2","reason":"holdout"}\n',
    );
    expect(firehose.commandCalls(PutRecordBatchCommand)).toHaveLength(0);
  });

  it('sends nothing for an empty batch', async () => {
    await new FirehoseMessageLog('herald-messages', new FirehoseClient({})).append([]);
    expect(firehose.calls()).toHaveLength(0);
  });

  it('cuts a batch past 1,000 KiB at line boundaries into one PutRecordBatch, sending again what it refused', async () => {
    const records = Array.from({ length: 12_000 }, (_, i) => record(`user-${String(i).padStart(6, '0')}`));
    const lineBytes = Buffer.byteLength(`${JSON.stringify(records[0])}\n`);
    firehose
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [
          { RecordId: 'r1' },
          { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'busy' },
        ],
      })
      .resolves({ FailedPutCount: 0, RequestResponses: [{ RecordId: 'r2' }] });
    const log = new FirehoseMessageLog('herald-messages', new FirehoseClient({}));

    await log.append(records);

    const calls = firehose.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => c.DeliveryStreamName)).toEqual(['herald-messages', 'herald-messages']);
    const [first, second] = calls[0]!.Records!.map((r) => text(r.Data));
    const perPiece = Math.floor(maxRecordBytes / lineBytes);
    expect(first!.split('\n').slice(0, -1)).toHaveLength(perPiece);
    expect(Buffer.byteLength(first!)).toBeLessThanOrEqual(maxRecordBytes);
    expect(first! + second!).toBe(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    // Only the refused piece goes again.
    expect(calls[1]!.Records!.map((r) => text(r.Data))).toEqual([second]);
    expect(firehose.commandCalls(PutRecordCommand)).toHaveLength(0);
  });

  it('turns a refused PutRecord into a MessageLogError', async () => {
    firehose.on(PutRecordCommand).rejects(new Error('ResourceNotFoundException'));
    const log = new FirehoseMessageLog('herald-messages', new FirehoseClient({}));
    await expect(log.append([record('u1')])).rejects.toBeInstanceOf(MessageLogError);
  });
});

describe('AthenaMessageLogReader', () => {
  const athena = mockClient(AthenaClient);
  beforeEach(() => athena.reset());
  const reader = () =>
    new AthenaMessageLogReader({
      workgroup: 'herald-messages',
      database: 'herald_log',
      client: new AthenaClient({}),
      pollMs: 1,
    });

  it('runs the trace query in the workgroup, waits for it and reads every page', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const columns = ['time', 'step', 'scope', 'variant', 'eventid', 'userid', 'deviceid', 'jobid', 'reason'];
    const row = (...values: (string | undefined)[]) => ({
      Data: values.map((v) => (v ? { VarCharValue: v } : {})),
    });
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q1' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
          Rows: [row(...columns), row('2026-11-21T10:00:00.000Z', 'planned', 'price-drop', 'A', 'e1', 'u1')],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          Rows: [
            row(
              '2026-11-21T10:00:00.000Z',
              'suppressed',
              'price-drop',
              'A',
              'e1',
              'u1',
              undefined,
              undefined,
              'fatigue.user',
            ),
          ],
        },
      });

    const trace = await reader().trace({ userId: "o'brien", since: '2026-11-20T00:00:00Z' });

    const expected = traceQuery(athenaSource('herald_log'), {
      userId: "o'brien",
      since: '2026-11-20T00:00:00Z',
    });
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueryString: expected.sql,
        WorkGroup: 'herald-messages',
        QueryExecutionContext: { Database: 'herald_log' },
        ExecutionParameters: ["'o''brien'", "'2026-11-20'", "'2026-11-20T00:00:00.000Z'"],
      },
    ]);
    expect(
      expected.sql,
    ).toBe(`SELECT "time", step, scope, variant, eventId, userId, deviceId, jobId, reason, messageId, releaseAt
FROM "herald_log"."messages"
WHERE userId = CAST(? AS VARCHAR)
  AND "day" >= CAST(? AS VARCHAR)
  AND from_iso8601_timestamp("time") >= from_iso8601_timestamp(CAST(? AS VARCHAR))
ORDER BY from_iso8601_timestamp("time"), CASE step WHEN 'planned' THEN 0 WHEN 'suppressed' THEN 1 WHEN 'held' THEN 2 WHEN 'released' THEN 3 WHEN 'packed' THEN 4 WHEN 'published' THEN 5 WHEN 'delivered' THEN 6 WHEN 'failed' THEN 7 WHEN 'opened' THEN 8 WHEN 'clicked' THEN 9 WHEN 'dismissed' THEN 10 WHEN 'converted' THEN 11 END, scope, eventId
LIMIT 10000`);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q1' },
      { QueryExecutionId: 'q1', NextToken: 'page-2' },
    ]);
    expect(trace).toEqual([
      {
        time: '2026-11-21T10:00:00.000Z',
        step: 'planned',
        scope: 'price-drop',
        variant: 'A',
        eventId: 'e1',
        userId: 'u1',
      },
      {
        time: '2026-11-21T10:00:00.000Z',
        step: 'suppressed',
        scope: 'price-drop',
        variant: 'A',
        eventId: 'e1',
        userId: 'u1',
        reason: 'fatigue.user',
      },
    ]);
  });

  it('runs the stats query with Athena’s intervals and folds its rows', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const columns = ['scope', 'variant', 'metric', 'reason', 'n'];
    const row = (...values: string[]) => ({ Data: values.map((VarCharValue) => ({ VarCharValue })) });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) },
        Rows: [
          row(...columns),
          row('price-drop', 'H', 'planned', '', '10'),
          row('price-drop', 'H', 'suppressed', 'holdout', '10'),
          row('price-drop', 'H', 'converted', '', '2'),
        ],
      },
    });
    const query = {
      scope: 'price-drop',
      from: '2026-11-21T00:00:00Z',
      to: '2026-11-22T00:00:00Z',
      conversionWindows: { 'price-drop': 24 },
    };

    const stats = await reader().stats(query);

    const input = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(input.QueryString).toBe(statsQuery(athenaSource('herald_log'), query).sql);
    expect(input.QueryString).toContain(
      "(plannedAt + CASE WHEN scope = CAST(? AS VARCHAR) THEN 24 ELSE 72 END * INTERVAL '1' HOUR)",
    );
    expect(input.WorkGroup).toBe('herald-messages');
    expect(input.ExecutionParameters).toEqual([
      "'2026-11-21'",
      "'2026-11-25'",
      "'price-drop'",
      "'2026-11-21T00:00:00.000Z'",
      "'2026-11-22T00:00:00.000Z'",
      "'2026-11-21T00:00:00.000Z'",
      "'2026-11-22T00:00:00.000Z'",
      "'price-drop'",
    ]);
    expect(stats).toEqual([
      {
        scope: 'price-drop',
        variant: 'H',
        planned: 10,
        delivered: 0,
        suppressed: { holdout: 10 },
        failed: {},
        opened: 0,
        clicked: 0,
        dismissed: 0,
        converted: 2,
      },
    ]);
  });

  it('reports a failed query with Athena’s reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q3' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND' } } });
    await expect(reader().trace({ userId: 'u1' })).rejects.toThrow(MessageLogQueryError);
    await expect(reader().trace({ userId: 'u1' })).rejects.toThrow(/TABLE_NOT_FOUND/);
  });
});
