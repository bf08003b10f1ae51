import { describe, expect, it } from 'vitest';
import { maxPayloadBytes, platformMessage, trimUtf8 } from '../../../shared/domain/push/payload.ts';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const data = { eventId: 'e1', recipeId: 'r1', variant: 'A' };

describe('platform payloads', () => {
  it('builds an APNs alert under the platform key', () => {
    const message = JSON.parse(
      platformMessage('APNS', { title: 'T', body: 'B', deepLink: 'market://x' }, data),
    );
    const apns = JSON.parse(message.APNS);

    expect(apns.aps.alert).toEqual({ title: 'T', body: 'B' });
    expect(apns.deepLink).toBe('market://x');
    expect(apns.recipeId).toBe('r1');
  });

  it('builds an FCM v1 message under the GCM key', () => {
    const message = JSON.parse(platformMessage('FCM', { title: 'T', body: 'B' }, data));
    const fcm = JSON.parse(message.GCM).fcmV1Message.message;

    expect(fcm.notification).toEqual({ title: 'T', body: 'B' });
    expect(fcm.data.recipeId).toBe('r1');
  });

  it.each(['APNS', 'FCM'] as const)(
    'trims an oversize body until the %s payload fits 4 KB, never splitting a character',
    (platform) => {
      const body = '价格下降了🎉'.repeat(1000);
      const message = JSON.parse(platformMessage(platform, { title: 'T', body }, data));
      const payload = message[platform === 'FCM' ? 'GCM' : platform];
      const parsed = JSON.parse(payload);
      const trimmed: string =
        platform === 'FCM' ? parsed.fcmV1Message.message.notification.body : parsed.aps.alert.body;

      expect(bytes(payload)).toBeLessThanOrEqual(maxPayloadBytes);
      expect(trimmed.endsWith('…')).toBe(true);
      expect(trimmed).not.toContain('\uFFFD');
      expect(body.startsWith(trimmed.slice(0, -1))).toBe(true);
    },
  );

  it('trimUtf8 keeps whole characters within the byte budget', () => {
    const cut = trimUtf8('🎉🎉🎉', 9);

    expect(cut).toBe('🎉…');
    expect(bytes(cut)).toBeLessThanOrEqual(9);
  });
});
