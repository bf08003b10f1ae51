import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { calendarWindows } from '../../domain/fatigue/calendar.ts';
import type { ReservationRequest, ReservationResult } from '../../domain/fatigue/reservation.ts';
import { batchGetByKey } from './batch-get.ts';
import { counterName, ownerEntry, storedKey, weekItemKey } from './fatigue-encoding.ts';

/**
 * What `reserve` would answer for each request now, read without writing anything: the week's
 * item of each user (100 to a BatchGetItem), its dedupe keys and its calendar counters against
 * the caps. Rolling windows are not read: a preview says what the calendar caps would hold back.
 */
export const previewReservations = async (
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly ReservationRequest[],
): Promise<ReservationResult[]> => {
  const keys = requests.map((r) => weekItemKey(r.userId, calendarWindows(r.at, r.timeZone)));
  const items = await batchGetByKey(client, tableName, keys);
  return requests.map((request, i): ReservationResult => {
    const item = items.get(keys[i]!) ?? {};
    const entries = (item.keys as Set<string> | undefined) ?? new Set<string>();
    if (entries.has(storedKey(request)))
      return { status: entries.has(ownerEntry(request)) ? 'already-reserved' : 'duplicate' };
    if (!request.enforce) return { status: 'reserved' };
    const windows = calendarWindows(request.at, request.timeZone);
    const full = request.counters.find(
      (c) => c.mode !== 'rolling' && Number(item[counterName(c, windows)] ?? 0) >= c.limit,
    );
    return full ? { status: 'capped', layer: full.layer } : { status: 'reserved' };
  });
};
