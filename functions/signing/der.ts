/**
 * ECDSA signatures: KMS returns DER (`SEQUENCE { INTEGER r, INTEGER s }`), JWS wants the raw
 * `r || s`, each left-padded to the curve's size (32 bytes for P-256, RFC 7518 §3.4).
 *
 * DER INTEGERs are minimal and signed: a value whose top bit is set gets a leading 0x00, and a
 * small value is shorter than 32 bytes. Both are undone here; anything that is not exactly one
 * SEQUENCE of two positive INTEGERs that fit is refused, never truncated.
 */
export class SignatureFormatError extends Error {
  override name = 'SignatureFormatError';
}

function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at];
  if (first === undefined) throw new SignatureFormatError('DER signature ends early');
  if (first < 0x80) return { length: first, next: at + 1 };
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 2) throw new SignatureFormatError('DER length form not supported');
  let length = 0;
  for (let i = 1; i <= bytes; i++) {
    const b = der[at + i];
    if (b === undefined) throw new SignatureFormatError('DER signature ends early');
    length = (length << 8) | b;
  }
  return { length, next: at + 1 + bytes };
}

function readInteger(der: Uint8Array, at: number, size: number): { value: Uint8Array; next: number } {
  if (der[at] !== 0x02) throw new SignatureFormatError('DER signature: INTEGER expected');
  const { length, next } = readLength(der, at + 1);
  if (length === 0 || next + length > der.length) throw new SignatureFormatError('DER signature: bad INTEGER length');
  let value = der.subarray(next, next + length);
  if (value[0]! & 0x80) throw new SignatureFormatError('DER signature: negative INTEGER');
  while (value.length > 1 && value[0] === 0) value = value.subarray(1);
  if (value.length > size) throw new SignatureFormatError('DER signature: INTEGER larger than the curve');
  const padded = new Uint8Array(size);
  padded.set(value, size - value.length);
  return { value: padded, next: next + length };
}

/** DER ECDSA signature → JOSE raw `r || s` (2 × `size` bytes; 32 for P-256). */
export function derToJose(der: Uint8Array, size = 32): Buffer {
  if (der[0] !== 0x30) throw new SignatureFormatError('DER signature: SEQUENCE expected');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) throw new SignatureFormatError('DER signature: SEQUENCE length does not match');
  const r = readInteger(der, next, size);
  const s = readInteger(der, r.next, size);
  if (s.next !== der.length) throw new SignatureFormatError('DER signature: trailing bytes');
  return Buffer.concat([r.value, s.value]);
}
