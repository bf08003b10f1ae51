export const platforms = ['APNS', 'APNS_SANDBOX', 'FCM'] as const;
export type Platform = (typeof platforms)[number];

/** A phone or tablet that can receive pushes through its SNS platform endpoint. */
export interface Device {
  readonly deviceId: string;
  readonly platform: Platform;
  /** The APNs or FCM token: personal data, never logged. */
  readonly token: string;
  readonly endpointArn: string;
  readonly enabled: boolean;
  readonly lastSeen: Date;
  /** Why the device was disabled (the push service said the endpoint is gone). */
  readonly disabledReason?: string;
}

/** Port: devices by user, resolved in bulk. */
export interface DeviceDirectory {
  devicesOf(userIds: readonly string[]): Promise<Map<string, Device[]>>;
  save(userId: string, device: Device): Promise<void>;
  disable(userId: string, deviceId: string, reason: string): Promise<void>;
}

/** A stable id for a token, so the same token registered twice is the same device. */
export const deviceIdOf = async (platform: Platform, token: string): Promise<string> => {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${platform}:${token}`));
  return Buffer.from(digest).subarray(0, 12).toString('base64url');
};
