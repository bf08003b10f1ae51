import { createHash } from 'node:crypto';
import { receiptDataKey } from '../engagement/receipt.ts';
import { HeraldError } from '../errors.ts';
import type { RenderedPush } from './delivery-job.ts';
import type { Platform } from './device.ts';

/** APNs and FCM both refuse payloads over 4 KB. */
export const maxPayloadBytes = 4096;
/** APNs refuses an `apns-collapse-id` longer than 64 bytes. */
const maxCollapseIdBytes = 64;
/** SNS turns this message attribute into the `apns-collapse-id` header. */
export const apnsCollapseIdAttribute = 'AWS.SNS.MOBILE.APNS.COLLAPSE_ID';

const ELLIPSIS = '…';
const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).length;
/** Bytes `text` takes inside a JSON string: escapes (`\"`, `\n`, `\udc00`) count as written. */
const jsonByteLength = (text: string): number => byteLength(JSON.stringify(text)) - 2;
// Graphemes, not code points: cutting a flag or a family emoji in half would show a broken glyph.
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The longest grapheme prefix of `text` that, with an ellipsis, fits `budget` as measured by `size`. */
const fitPrefix = (text: string, budget: number, size: (s: string) => number): string => {
  if (size(text) <= budget) return text;
  const room = budget - size(ELLIPSIS);
  if (room < 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const cost = size(segment);
    if (used + cost > room) break;
    out += segment;
    used += cost;
  }
  return out + ELLIPSIS;
};

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, marking the cut. */
export const trimUtf8 = (text: string, maxBytes: number): string => fitPrefix(text, maxBytes, byteLength);

/** What every push carries besides its text, for the app and for click tracking. */
export interface PushContext {
  readonly eventId: string;
  readonly recipeId: string;
  readonly variant: string;
  /** The signed receipt token the app posts back when the push is opened or clicked. */
  readonly receipt?: string;
}

/** A push ready for SNS: the `MessageStructure: json` message and its message attributes. */
export interface PlatformPush {
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Even with an empty title and body the payload does not fit (a huge deep link, say). */
export class PayloadTooLargeError extends HeraldError {
  constructor(platform: Platform, bytes: number) {
    super(
      `push: the ${platform} payload needs ${bytes} bytes without title and body, above ${maxPayloadBytes}`,
    );
    this.name = 'PayloadTooLargeError';
  }
}

/** A collapse id within APNs' 64 bytes: kept readable when it fits, hashed when it does not. */
export const collapseIdOf = (push: RenderedPush, context: PushContext): string => {
  const wanted = push.collapseId ?? `${context.recipeId}:${context.eventId}`;
  if (byteLength(wanted) <= maxCollapseIdBytes) return wanted;
  return createHash('sha256').update(wanted).digest('base64url').slice(0, 43);
};

/** FCM v1 refuses data values that are not strings; building them here keeps that true. */
const stringData = (push: RenderedPush, context: PushContext): Record<string, string> => ({
  eventId: context.eventId,
  recipeId: context.recipeId,
  variant: context.variant,
  ...(push.deepLink ? { deepLink: push.deepLink } : {}),
  ...(context.receipt ? { [receiptDataKey]: context.receipt } : {}),
});

type Build = (title: string, body: string) => string;

const apnsPayload =
  (push: RenderedPush, context: PushContext): Build =>
  (title, body) =>
    JSON.stringify({
      aps: {
        alert: { title, body },
        ...(push.badge !== undefined ? { badge: push.badge } : {}),
        sound: push.sound ?? 'default',
        'thread-id': push.threadId ?? context.recipeId,
        'interruption-level': push.interruptionLevel ?? 'active',
      },
      ...stringData(push, context),
    });

const fcmPayload =
  (push: RenderedPush, context: PushContext): Build =>
  (title, body) =>
    JSON.stringify({
      fcmV1Message: {
        message: {
          notification: { title, body },
          data: stringData(push, context),
          android: {
            collapse_key: collapseIdOf(push, context),
            notification: {
              sound: push.sound ?? 'default',
              ...(push.badge !== undefined ? { notification_count: push.badge } : {}),
            },
          },
        },
      },
    });

/**
 * Title and body cut so the payload fits 4 KB. The body gives way first, since the title is
 * what a person reads; the title is cut only when even an empty body does not make room.
 */
const fitText = (platform: Platform, build: Build, push: RenderedPush): { title: string; body: string } => {
  const frame = byteLength(build('', ''));
  if (frame > maxPayloadBytes) throw new PayloadTooLargeError(platform, frame);
  const budget = maxPayloadBytes - frame;
  const titleBytes = jsonByteLength(push.title);
  if (titleBytes + jsonByteLength(push.body) <= budget) return { title: push.title, body: push.body };
  if (titleBytes < budget) {
    const body = fitPrefix(push.body, budget - titleBytes, jsonByteLength);
    if (body !== '') return { title: push.title, body };
  }
  return { title: fitPrefix(push.title, budget, jsonByteLength), body: '' };
};

/**
 * The SNS `MessageStructure: json` message for one platform, never over 4 KB: APNs gets an
 * `aps` alert (badge, sound, thread-id, interruption-level) with the collapse id as an SNS
 * message attribute; FCM gets an HTTP v1 message (notification, string-only data, collapse key).
 */
export const platformPush = (platform: Platform, push: RenderedPush, context: PushContext): PlatformPush => {
  const build = platform === 'FCM' ? fcmPayload(push, context) : apnsPayload(push, context);
  const { title, body } = fitText(platform, build, push);
  const payload = build(title, body);
  const size = byteLength(payload);
  // The arithmetic above is exact; this guard keeps an invalid payload from ever leaving.
  if (size > maxPayloadBytes) throw new PayloadTooLargeError(platform, size);
  const key = platform === 'FCM' ? 'GCM' : platform;
  return {
    message: JSON.stringify({ default: title, [key]: payload }),
    attributes: platform === 'FCM' ? {} : { [apnsCollapseIdAttribute]: collapseIdOf(push, context) },
  };
};

/** The SNS message alone, for callers that need no attributes. */
export const platformMessage = (platform: Platform, push: RenderedPush, context: PushContext): string =>
  platformPush(platform, push, context).message;
