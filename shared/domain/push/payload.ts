import type { RenderedPush } from './delivery-job.ts';
import type { Platform } from './device.ts';

/** APNs and FCM both refuse payloads over 4 KB. */
export const maxPayloadBytes = 4096;

const utf8 = new TextEncoder();
const byteLength = (text: string): number => utf8.encode(text).length;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, marking the cut. */
export const trimUtf8 = (text: string, maxBytes: number): string => {
  if (byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  const budget = maxBytes - byteLength(ellipsis);
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (used + size > budget) break;
    out += char;
    used += size;
  }
  return out + ellipsis;
};

const apnsPayload = (push: RenderedPush, data: Record<string, string>, body: string): string =>
  JSON.stringify({
    aps: { alert: { title: push.title, body }, sound: 'default', 'thread-id': data.recipeId },
    ...(push.deepLink ? { deepLink: push.deepLink } : {}),
    ...data,
  });

const fcmPayload = (push: RenderedPush, data: Record<string, string>, body: string): string =>
  JSON.stringify({
    fcmV1Message: {
      message: {
        notification: { title: push.title, body },
        data: { ...data, ...(push.deepLink ? { deepLink: push.deepLink } : {}) },
      },
    },
  });

/**
 * The SNS `MessageStructure: json` message for one platform. The body is trimmed (never split
 * mid-character) until the platform payload fits its 4 KB limit.
 */
export const platformMessage = (
  platform: Platform,
  push: RenderedPush,
  data: Record<string, string>,
): string => {
  const build = platform === 'FCM' ? fcmPayload : apnsPayload;
  let body = push.body;
  let payload = build(push, data, body);
  while (byteLength(payload) > maxPayloadBytes && body.length > 0) {
    const excess = byteLength(payload) - maxPayloadBytes;
    body = trimUtf8(body, Math.max(0, byteLength(body) - excess - 8));
    if (body === '…') body = '';
    payload = build(push, data, body);
  }
  const key = platform === 'FCM' ? 'GCM' : platform;
  return JSON.stringify({ default: push.title, [key]: payload });
};
