import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { calendarWindows } from '../../domain/fatigue/calendar.ts';
import type {
  FatigueLedger,
  ReservationRequest,
  ReservationResult,
} from '../../domain/fatigue/reservation.ts';
import {
  counterName,
  ownerEntry,
  rollingName,
  rollingOf,
  sharesReservation,
  storedKey,
  storedOwner,
  weekItemKey,
} from './fatigue-encoding.ts';
import { previewReservations } from './fatigue-preview.ts';

const WINDOW_MS = { hour: 3_600_000, day: 86_400_000, week: 604_800_000 } as const;
const DAY_S = 86_400;
/** Reservations in flight at once for one page of recipients. */
const CONCURRENCY = 32;
const MAX_ROLLING_ATTEMPTS = 8;

type RawItem = Record<string, { N?: string; S?: string; SS?: string[] } | undefined>;

interface CalendarUpdate {
  readonly input: UpdateCommandInput;
  /** Attribute name of each enforced counter, in the order of `request.counters`. */
  readonly attributes: readonly (string | undefined)[];
}

/**
 * Fatigue counters and dedupe keys on DynamoDB. All calendar windows of a user's week (the week,
 * its days, its hours, on the user's clock) live in one item, so one conditional UpdateItem
 * checks every cap of every layer, counts the push and records its dedupe key atomically. A
 * policy with rolling windows adds a per-user item of recent send times, written in the same
 * transaction under an optimistic version check; that path costs a read and a transaction.
 *
 * Items expire (TTL) a few days after their week; a stale item is never read as current because
 * the week is part of its key.
 */
export class DynamoDbFatigueLedger implements FatigueLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async reserve(requests: readonly ReservationRequest[]): Promise<ReservationResult[]> {
    const results: ReservationResult[] = new Array(requests.length);
    let next = 0;
    const lane = async () => {
      while (next < requests.length) {
        const i = next++;
        const request = requests[i]!;
        results[i] =
          rollingOf(request).length > 0
            ? await this.#reserveRolling(request)
            : await this.#reserveCalendar(request);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, requests.length) }, lane));
    return results;
  }

  preview(requests: readonly ReservationRequest[]): Promise<ReservationResult[]> {
    return previewReservations(this.#client, this.#tableName, requests);
  }

  async release(requests: readonly ReservationRequest[]): Promise<void> {
    await Promise.all(
      requests
        .filter((r) => r.count)
        .map(async (request) => {
          const { input } = this.#calendarUpdate(request, -1, false);
          try {
            await this.#client.send(new UpdateCommand(input));
          } catch (error) {
            // A counter already at zero (or gone with its week) has nothing to give back.
            if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
          }
          if (rollingOf(request).length > 0) await this.#forgetRolling(request);
        }),
    );
  }

  async #reserveCalendar(request: ReservationRequest): Promise<ReservationResult> {
    const update = this.#calendarUpdate(request, 1, true);
    try {
      await this.#client.send(
        new UpdateCommand({ ...update.input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      return { status: 'reserved' };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
      return this.#explain(request, update, (error as { Item?: RawItem }).Item ?? {});
    }
  }

  /** Why a condition failed, read off the item as it was: a known key, or the first full counter. */
  #explain(request: ReservationRequest, update: CalendarUpdate, item: RawItem): ReservationResult {
    const entries = item.keys?.SS ?? [];
    if (entries.includes(storedKey(request)))
      return { status: entries.includes(ownerEntry(request)) ? 'already-reserved' : 'duplicate' };
    const full = request.counters.findIndex((c, i) => {
      const attribute = update.attributes[i];
      return attribute !== undefined && Number(item[attribute]?.N ?? 0) >= c.limit;
    });
    if (full < 0)
      throw new Error(`fatigue reservation for ${request.userId} failed a condition no counter explains`);
    return { status: 'capped', layer: request.counters[full]!.layer };
  }

  #calendarUpdate(request: ReservationRequest, delta: 1 | -1, withConditions: boolean): CalendarUpdate {
    const windows = calendarWindows(request.at, request.timeZone);
    // DynamoDB refuses names and values an expression does not use, so each is added with its use.
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const adds: string[] = [];
    const conditions: string[] = [];
    const attributes = request.counters.map((c, i) => {
      if (c.mode === 'rolling') return undefined;
      const attribute = counterName(c, windows);
      const enforced = request.enforce && withConditions;
      if (request.count || enforced) names[`#c${i}`] = attribute;
      if (request.count) {
        adds.push(`#c${i} :delta`);
        values[':delta'] = delta;
      }
      if (request.count && delta < 0) {
        // Giving back never takes a counter below zero, which would let a window exceed its cap.
        values[':zero'] = 0;
        conditions.push(`#c${i} > :zero`);
      }
      if (enforced) {
        values[`:cap${i}`] = c.limit;
        // A counter not written yet stands at 0, under any cap but a cap of 0: that one must
        // fail even then (a missing attribute compares false), or it would let one push through.
        conditions.push(
          c.limit > 0 ? `(attribute_not_exists(#c${i}) OR #c${i} < :cap${i})` : `#c${i} < :cap${i}`,
        );
      }
      return attribute;
    });
    const sets = ['expiresAt = :expires'];
    if (withConditions) {
      names['#keys'] = 'keys';
      values[':keys'] = new Set([storedKey(request), ownerEntry(request)]);
      values[':key'] = storedKey(request);
      adds.push('#keys :keys');
      conditions.unshift('NOT contains(#keys, :key)');
    }
    // A few days past the end of the week on any clock on Earth.
    values[':expires'] = Math.floor(Date.parse(`${windows.week}T00:00:00Z`) / 1000) + 9 * DAY_S;
    return {
      attributes,
      input: {
        TableName: this.#tableName,
        Key: { pk: weekItemKey(request.userId, windows) },
        UpdateExpression: `${adds.length > 0 ? `ADD ${adds.join(', ')} ` : ''}SET ${sets.join(', ')}`,
        ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * Rolling windows cannot be checked inside a condition (DynamoDB conditions do no arithmetic),
   * so recent send times are read, checked here, and written back only if nobody wrote between
   * (version check), in one transaction with the calendar item.
   */
  async #reserveRolling(request: ReservationRequest): Promise<ReservationResult> {
    const key = { pk: `fatigue#${request.userId}#rolling` };
    for (let attempt = 1; attempt <= MAX_ROLLING_ATTEMPTS; attempt++) {
      const current = (
        await this.#client.send(
          new GetCommand({ TableName: this.#tableName, Key: key, ConsistentRead: true }),
        )
      ).Item ?? { version: 0 };
      const now = request.at.getTime();
      const lists: Record<string, string[]> = {};
      for (const c of rollingOf(request)) {
        const name = rollingName(c);
        const recent = ((current[name] as string[] | undefined) ?? []).filter(
          (e) => Number(e.split('|')[0]) > now - WINDOW_MS[c.window],
        );
        const earlier = recent.find((e) => sharesReservation(e, storedKey(request)));
        if (earlier)
          return {
            status: earlier.split('|')[1] === storedOwner(request) ? 'already-reserved' : 'duplicate',
          };
        if (request.enforce && recent.length >= c.limit) return { status: 'capped', layer: c.layer };
        lists[name] = request.count
          ? [...recent, `${now}|${storedOwner(request)}|${storedKey(request)}`]
          : recent;
      }
      const calendar = this.#calendarUpdate(request, 1, true);
      const names = Object.fromEntries(Object.keys(lists).map((n, i) => [`#r${i}`, n]));
      const values = Object.fromEntries(Object.values(lists).map((l, i) => [`:r${i}`, l]));
      const transaction: TransactWriteCommandInput = {
        TransactItems: [
          { Update: { ...calendar.input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as never },
          {
            Update: {
              TableName: this.#tableName,
              Key: key,
              UpdateExpression: `SET ${Object.keys(names)
                .map((n, i) => `${n} = :r${i}`)
                .join(', ')}, version = :next, expiresAt = :expires`,
              ConditionExpression: 'attribute_not_exists(version) OR version = :version',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: {
                ...values,
                ':version': current.version,
                ':next': Number(current.version) + 1,
                ':expires': Math.floor(now / 1000) + 8 * DAY_S,
              },
            },
          },
        ],
      };
      try {
        await this.#client.send(new TransactWriteCommand(transaction));
        return { status: 'reserved' };
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string; Item?: RawItem }[] })
          .CancellationReasons;
        if (!reasons) throw error;
        if (reasons[0]?.Code === 'ConditionalCheckFailed')
          return this.#explain(request, calendar, reasons[0].Item ?? {});
        // Someone else wrote the rolling item meanwhile (or the transaction conflicted): read again.
      }
    }
    throw new Error(`fatigue reservation for ${request.userId}: rolling windows stayed contended`);
  }

  async #forgetRolling(request: ReservationRequest): Promise<void> {
    const key = { pk: `fatigue#${request.userId}#rolling` };
    const item = (
      await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: key, ConsistentRead: true }))
    ).Item;
    if (!item) return;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':version': item.version, ':next': Number(item.version) + 1 };
    rollingOf(request).forEach((c, i) => {
      names[`#r${i}`] = rollingName(c);
      values[`:r${i}`] = ((item[rollingName(c)] as string[] | undefined) ?? []).filter(
        (e) => !sharesReservation(e, storedKey(request)),
      );
    });
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: key,
        UpdateExpression: `SET ${Object.keys(names)
          .map((n, i) => `${n} = :r${i}`)
          .join(', ')}, version = :next`,
        ConditionExpression: 'version = :version',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
