import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ReceiptKeys } from '../../domain/engagement/receipt-keys.ts';
import { retryingClientConfig } from '../client-config.ts';

/** HMAC-SHA256 wants a key of at least its output, 32 bytes; a shorter one is a broken deployment. */
export const MIN_RECEIPT_KEY_BYTES = 32;

/**
 * The receipt key in AWS Secrets Manager, read once per Lambda container.
 *
 * The key is the secret string's UTF-8 bytes, as Secrets Manager generated it (the Receipts
 * construct asks for 64 letters and digits, about 380 random bits): no custom resource has to
 * make and encode random bytes, and an operator who sets the secret by hand just pastes a long
 * random string. HMAC takes a key of any length, so nothing is decoded.
 *
 * A failed read is not cached: the next receipt tries again.
 */
export class SecretsManagerReceiptKeys implements ReceiptKeys {
  readonly #client: SecretsManagerClient;
  readonly #secretId: string;
  #key: Promise<Uint8Array> | undefined;

  constructor(secretId: string, client?: SecretsManagerClient) {
    this.#secretId = secretId;
    this.#client = client ?? new SecretsManagerClient(retryingClientConfig);
  }

  key(): Promise<Uint8Array> {
    this.#key ??= this.#read().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return this.#key;
  }

  async #read(): Promise<Uint8Array> {
    const out = await this.#client.send(new GetSecretValueCommand({ SecretId: this.#secretId }));
    const key = Buffer.from(out.SecretString ?? '', 'utf8');
    if (key.length < MIN_RECEIPT_KEY_BYTES)
      throw new Error(
        `receipt key secret ${this.#secretId}: ${key.length} bytes of secret string, at least ${MIN_RECEIPT_KEY_BYTES} expected`,
      );
    return key;
  }
}
