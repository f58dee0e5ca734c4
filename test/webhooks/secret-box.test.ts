import { randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { kmsSecretBox, localSecretBox } from '../../functions/webhooks/secret-box.js';

/** KMS has no emulator: the box's calls go to aws-sdk-client-mock, as they would go to KMS. */
const kms = mockClient(KMSClient);

afterEach(() => {
  kms.reset();
});

describe('the secret box', () => {
  it('seals with KMS Encrypt and opens with KMS Decrypt, bound to its purpose', async () => {
    const keyId = 'arn:aws:kms:eu-west-1:111122223333:key/abc';
    kms.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('sealed-by-kms') });
    kms.on(DecryptCommand).resolves({ Plaintext: Buffer.from('whsec_plain') });
    const box = kmsSecretBox(keyId, new KMSClient({ region: 'eu-west-1' }));

    const sealed = await box.seal('whsec_plain');
    expect(sealed).toBe(`kms:${Buffer.from('sealed-by-kms').toString('base64')}`);
    expect(sealed).not.toContain('whsec_plain');
    const encrypt = kms.commandCalls(EncryptCommand)[0]!.args[0].input;
    expect(encrypt).toMatchObject({ KeyId: keyId, EncryptionContext: { purpose: 'signoff-webhook-secret' } });
    expect(Buffer.from(encrypt.Plaintext!).toString()).toBe('whsec_plain');

    expect(await box.open(sealed)).toBe('whsec_plain');
    const decrypt = kms.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect(Buffer.from(decrypt.CiphertextBlob!).toString()).toBe('sealed-by-kms');
    expect(decrypt.EncryptionContext).toEqual({ purpose: 'signoff-webhook-secret' });
  });

  it('seals locally with the state folder key; another key cannot open it', async () => {
    const box = localSecretBox(randomBytes(32));
    const sealed = await box.seal('whsec_local');
    expect(sealed).toMatch(/^local:/);
    expect(sealed).not.toContain('whsec_local');
    expect(await box.open(sealed)).toBe('whsec_local');
    await expect(localSecretBox(randomBytes(32)).open(sealed)).rejects.toThrow();
    await expect(box.open('kms:AAAA')).rejects.toThrow();
  });
});
