export const platforms = ['APNS', 'APNS_SANDBOX', 'FCM'] as const;
export type Platform = (typeof platforms)[number];

/**
 * The app a device belongs to when none is named: every device of a single-app deployment, and
 * every device stored before Herald served several apps (their items carry no app).
 */
export const defaultApp = 'default';

/** An app id: lower-case words joined by `-`, like recipe ids (`shop`, `seller-hub`). */
export const appIdPattern = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** A phone or tablet that can receive pushes through its SNS platform endpoint. */
export interface Device {
  readonly deviceId: string;
  /**
   * The app installed on the device (`defaultApp` unless named). Each app has its own platform
   * applications, so the endpoint belongs to this app's; a user may hold devices of several apps.
   */
  readonly app: string;
  readonly platform: Platform;
  /** The APNs or FCM token: personal data, never logged. */
  readonly token: string;
  readonly endpointArn: string;
  readonly enabled: boolean;
  /** When the app last registered from this device; purges go by it. */
  readonly lastSeen: Date;
  /** Why the device was disabled (the push service said the endpoint is gone). */
  readonly disabledReason?: string;
}

/** A user who may hold devices unseen since a cutoff, with all of that user's devices. */
export interface StaleCandidate {
  readonly userId: string;
  readonly devices: readonly Device[];
}

/** One part of a parallel read of the whole directory. */
export interface ScanSegment {
  readonly index: number;
  readonly total: number;
}

/** Port: devices by user, resolved in bulk. */
/** Keys starting so belong to token items in the Devices table; user ids never do. */
export const tokenKeyPrefix = 'token#';

export interface DeviceDirectory {
  devicesOf(userIds: readonly string[]): Promise<Map<string, Device[]>>;
  /** Adds or replaces one device. `device.lastSeen` is the current time, never older than what is stored. */
  save(userId: string, device: Device): Promise<void>;
  disable(userId: string, deviceId: string, reason: string): Promise<void>;
  /** Removes one device; removing a device that is not there does nothing. */
  remove(userId: string, deviceId: string): Promise<void>;
  /**
   * Records `userId` as the holder of a token (by its device id, never the token itself) and
   * returns who held it before, if anyone else did: a phone passed to another account.
   */
  claimToken(tokenDeviceId: string, userId: string): Promise<string | undefined>;
  /**
   * Users who may hold a device unseen since `cutoff`, page by page. A candidate may turn out to
   * hold none (the answer is a superset), never the other way round.
   */
  staleCandidates(cutoff: Date, segment: ScanSegment): AsyncIterable<StaleCandidate[]>;
  /**
   * Removes `remove` from a user, provided the user still holds exactly `remove` and `keep` and
   * the removed devices were not seen again meanwhile; false when they changed.
   */
  removeStale(userId: string, remove: readonly Device[], keep: readonly Device[]): Promise<boolean>;
}

const digest = async (text: string): Promise<string> => {
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(hash).subarray(0, 12).toString('base64url');
};

/** Ids of the default app's devices name no app: they stay those given before apps existed. */
const appPrefix = (app: string) => (app === defaultApp ? '' : `${app}/`);

/**
 * A stable id for a token, so the same token registered twice is the same device. The app is
 * part of it: a token of one app never stands for a device of another.
 */
export const deviceIdOf = async (platform: Platform, token: string, app = defaultApp): Promise<string> =>
  digest(`${appPrefix(app)}${platform}:${token}`);

/**
 * A stable id for an app installation, so a token that rotates (APNs and FCM both rotate them)
 * updates the same device instead of adding one.
 */
export const installationDeviceIdOf = async (
  platform: Platform,
  installationId: string,
  app = defaultApp,
): Promise<string> => digest(`${appPrefix(app)}${platform}:installation:${installationId}`);
