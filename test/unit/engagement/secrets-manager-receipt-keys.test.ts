import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { SecretsManagerReceiptKeys } from '../../../shared/adapters/receipts/secrets-manager-keys.ts';

/** A client answering GetSecretValue from a list, one answer per call; counts the calls. */
const clientAnswering = (...answers: (string | Error)[]) => {
  const calls: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      calls.push(command.input);
      const answer = answers[calls.length - 1];
      if (answer instanceof Error) throw answer;
      return { SecretString: answer };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls };
};

const generated = 'k'.repeat(64);

describe('SecretsManagerReceiptKeys', () => {
  it('reads the secret once per container and uses its string’s bytes as the key', async () => {
    const { client, calls } = clientAnswering(generated);
    const keys = new SecretsManagerReceiptKeys('arn:secret', client);

    const [a, b] = await Promise.all([keys.key(), keys.key()]);
    const c = await keys.key();

    expect(Buffer.from(a).toString('utf8')).toBe(generated);
    expect([b, c]).toEqual([a, a]);
    expect(calls).toEqual([{ SecretId: 'arn:secret' }]);
  });

  it('reads again after a failed read instead of keeping the failure', async () => {
    const { client, calls } = clientAnswering(new Error('throttled'), generated);
    const keys = new SecretsManagerReceiptKeys('arn:secret', client);

    await expect(keys.key()).rejects.toThrow('throttled');
    const key = await keys.key();

    expect(key.length).toBe(64);
    expect(calls).toHaveLength(2);
  });

  it('refuses a secret shorter than 32 bytes, naming it', async () => {
    const { client } = clientAnswering('short');

    await expect(new SecretsManagerReceiptKeys('arn:secret', client).key()).rejects.toThrow(
      'receipt key secret arn:secret: 5 bytes of secret string, at least 32 expected',
    );
  });
});
