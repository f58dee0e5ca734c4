import { KMSClient } from '@aws-sdk/client-kms';
import * as config from '../config.js';
import { kmsSigner } from './kms-signer.js';
import { localSigner, readLocalKeyFile } from './local-signer.js';
import type { Signer } from './signer.js';

export type { PublicJwk, Signer } from './signer.js';

let signer: Signer | undefined;

/** KMS when the stack named the receipt keys (AWS), else the local key file; one must be set. */
export function receiptSigner(): Signer {
  if (signer) return signer;
  const keyIds = config.receiptKeyIds();
  const keyFile = config.receiptKeyFile();
  if (keyIds?.length) signer = kmsSigner(keyIds, new KMSClient({ region: config.region() }));
  else if (keyFile) signer = localSigner(readLocalKeyFile(keyFile));
  else throw new Error('Missing RECEIPT_KEY_IDS (AWS) or RECEIPT_KEY_FILE (local stack)');
  return signer;
}
