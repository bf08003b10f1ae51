import { randomUUID } from 'node:crypto';

/** A PutEvents request entry, as the EventBridge API takes it. */
export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Time?: Date | string | number;
  readonly Resources?: readonly string[];
  readonly EventBusName?: string;
  readonly TraceHeader?: string;
}

export type PutEventsResultEntry =
  | { readonly EventId: string }
  | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** An event as EventBridge hands it to rules. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

/** Which bus an entry may name, and what its events are stamped with. */
export interface BusIdentity {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly now: () => Date;
}

const fail = (ErrorCode: string, ErrorMessage: string) => ({ ErrorCode, ErrorMessage });
const required = (field: string) =>
  fail('InvalidArgument', `Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The bus's own name or its ARN; an absent name means this bus, the only one the endpoint serves. */
const namesThisBus = (name: string | undefined, bus: BusIdentity) =>
  name === undefined ||
  name === bus.name ||
  name === `arn:aws:events:${bus.region}:${bus.account}:event-bus/${bus.name}`;

/**
 * Checks one entry as EventBridge does and turns it into the event rules see, or into the
 * per-entry error AWS answers: `NotFoundException` for another bus, `InvalidArgument` for a
 * missing or ill-typed field, `MalformedDetail` for a detail that is not a JSON object (`"null"`,
 * `"[]"`, `"1"` included).
 */
export const toBusEvent = (
  entry: PutEventsEntry,
  bus: BusIdentity,
): { readonly event: BusEvent } | { readonly error: PutEventsResultEntry } => {
  if (!namesThisBus(entry.EventBusName, bus))
    return { error: fail('NotFoundException', `Event bus ${String(entry.EventBusName)} does not exist.`) };
  if (!isText(entry.Source)) return { error: required('Source') };
  if (!isText(entry.DetailType)) return { error: required('DetailType') };
  if (entry.Detail === undefined) return { error: required('Detail') };
  if (typeof entry.Detail !== 'string') return { error: fail('MalformedDetail', 'Detail is malformed.') };
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { error: fail('MalformedDetail', 'Detail is malformed.') };
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
    return { error: fail('MalformedDetail', 'Detail is malformed.') };
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((r) => typeof r === 'string'))
    return {
      error: fail('InvalidArgument', 'Parameter Resources is not valid. Reason: expected a list of strings.'),
    };
  const time = entry.Time === undefined ? bus.now() : new Date(entry.Time);
  if (Number.isNaN(time.getTime())) return { error: fail('InvalidArgument', 'Parameter Time is not valid.') };
  return {
    event: {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: bus.account,
      time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: bus.region,
      resources: [...resources],
      detail: detail as Record<string, unknown>,
    },
  };
};
