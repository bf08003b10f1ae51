import { describe, expect, it } from 'vitest';
import type { RenderedPush } from '../../../shared/domain/push/delivery-job.ts';
import {
  apnsCollapseIdAttribute,
  maxPayloadBytes,
  PayloadTooLargeError,
  platformPush,
} from '../../../shared/domain/push/payload.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const context = { eventId: 'evt-1', recipeId: 'price-drop', variant: 'A' };

/** The platform payload of an SNS message, parsed, with its raw text. */
const payloadOf = (platform: 'APNS' | 'APNS_SANDBOX' | 'FCM', push: RenderedPush) => {
  const { message, attributes } = platformPush(platform, push, context);
  const raw: string = JSON.parse(message)[platform === 'FCM' ? 'GCM' : platform];
  return { raw, payload: JSON.parse(raw), envelope: JSON.parse(message), attributes };
};
interface Text {
  title: string;
  body: string;
}
const textOf = (
  platform: 'APNS' | 'FCM',
  payload: { aps?: { alert: Text }; fcmV1Message?: { message: { notification: Text } } },
): Text => (platform === 'FCM' ? payload.fcmV1Message!.message.notification : payload.aps!.alert);

describe('platformPush', () => {
  it('builds an APNs alert with badge, sound, thread-id, interruption level and the deep link', () => {
    const { payload, envelope, attributes } = payloadOf('APNS', {
      title: 'Price drop',
      body: 'Now 22 EUR',
      deepLink: 'market://items/i1',
      badge: 3,
      interruptionLevel: 'time-sensitive',
    });

    expect(payload).toEqual({
      aps: {
        alert: { title: 'Price drop', body: 'Now 22 EUR' },
        badge: 3,
        sound: 'default',
        'thread-id': 'price-drop',
        'interruption-level': 'time-sensitive',
      },
      deepLink: 'market://items/i1',
      eventId: 'evt-1',
      recipeId: 'price-drop',
      variant: 'A',
    });
    expect(envelope.default).toBe('Price drop');
    expect(attributes).toEqual({ [apnsCollapseIdAttribute]: 'price-drop:evt-1' });
  });

  it('puts the sandbox payload under the APNS_SANDBOX key', () => {
    const { envelope } = payloadOf('APNS_SANDBOX', { title: 'T', body: 'B' });

    expect(Object.keys(envelope).sort()).toEqual(['APNS_SANDBOX', 'default']);
  });

  it('builds an FCM v1 message whose data values are all strings, with the collapse key', () => {
    const { payload, attributes } = payloadOf('FCM', {
      title: 'T',
      body: 'B',
      deepLink: 'market://x',
      badge: 2,
    });
    const message = payload.fcmV1Message.message;

    expect(message.notification).toEqual({ title: 'T', body: 'B' });
    expect(message.data).toEqual({
      eventId: 'evt-1',
      recipeId: 'price-drop',
      variant: 'A',
      deepLink: 'market://x',
    });
    expect(Object.values(message.data).every((v) => typeof v === 'string')).toBe(true);
    expect(message.android).toEqual({
      collapse_key: 'price-drop:evt-1',
      notification: { sound: 'default', notification_count: 2 },
    });
    expect(attributes).toEqual({});
  });

  it('keeps a collapse id within 64 bytes by hashing a long one, the same way every time', () => {
    const long = { title: 'T', body: 'B', collapseId: 'x'.repeat(100) };

    const first = payloadOf('APNS', long).attributes[apnsCollapseIdAttribute]!;

    expect(bytes(first)).toBeLessThanOrEqual(64);
    expect(payloadOf('APNS', long).attributes[apnsCollapseIdAttribute]).toBe(first);
    expect(payloadOf('APNS', { title: 'T', body: 'B', collapseId: 'offer:i1' }).attributes).toEqual({
      [apnsCollapseIdAttribute]: 'offer:i1',
    });
  });

  it.each([
    ['APNS', 'CJK and emoji', '价格下降了🎉'.repeat(1000)],
    ['FCM', 'CJK and emoji', '价格下降了🎉'.repeat(1000)],
    ['APNS', 'quotes and backslashes that JSON escapes', '"\\'.repeat(3000)],
    ['FCM', 'family emoji (one grapheme, several code points)', '👨‍👩‍👧‍👦'.repeat(300)],
  ] as const)('trims an oversize %s body of %s to a valid payload of at most 4 KB', (platform, _, body) => {
    const { raw, payload } = payloadOf(platform, { title: 'Price drop', body });
    const trimmed: string = textOf(platform, payload).body;

    expect(bytes(raw)).toBeLessThanOrEqual(maxPayloadBytes);
    expect(bytes(raw)).toBeGreaterThan(maxPayloadBytes - 32);
    expect(trimmed.endsWith('…')).toBe(true);
    expect(body.startsWith(trimmed.slice(0, -1))).toBe(true);
    expect(trimmed).not.toMatch(/[\uD800-\uDFFF](?![\uDC00-\uDFFF])/u);
    expect(textOf(platform, payload).title).toBe('Price drop');
  });

  it('never cuts inside a grapheme: a family emoji is kept whole or dropped', () => {
    const family = '👨‍👩‍👧‍👦';
    const { payload } = payloadOf('APNS', { title: 'T', body: family.repeat(300) });
    const kept: string = payload.aps.alert.body.slice(0, -1);

    expect(kept.length % family.length).toBe(0);
  });

  it('cuts the title only when an empty body does not make room', () => {
    const { raw, payload } = payloadOf('APNS', { title: 'T'.repeat(5000), body: 'body' });

    expect(bytes(raw)).toBeLessThanOrEqual(maxPayloadBytes);
    expect(payload.aps.alert.body).toBe('');
    expect(payload.aps.alert.title).toMatch(/^T+…$/);
  });

  it('refuses a payload that cannot fit even with no text, rather than emit an invalid one', () => {
    const push = { title: 'T', body: 'B', deepLink: `market://${'x'.repeat(5000)}` };

    expect(() => platformPush('FCM', push, context)).toThrow(PayloadTooLargeError);
    expect(() => platformPush('FCM', push, context)).toThrow(/^push: the FCM payload needs \d+ bytes/);
  });

  it('leaves a push that fits untouched', () => {
    const body = 'x'.repeat(3000);

    expect(payloadOf('APNS', { title: 'T', body }).payload.aps.alert.body).toBe(body);
  });
});
