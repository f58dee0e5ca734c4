import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom: number[] = [];

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/**
 * A ULID: 26 characters that sort by creation time. Monotonic within this process, so ids made
 * in the same millisecond (activity entries of one change) keep their order.
 */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    // Same (or earlier) millisecond: increment the random part instead of drawing a new one.
    let i = lastRandom.length - 1;
    while (i >= 0 && lastRandom[i] === 31) lastRandom[i--] = 0;
    if (i >= 0) lastRandom[i] = (lastRandom[i] ?? 0) + 1;
    now = lastTime;
  } else {
    lastRandom = [...randomBytes(16)].map((b) => b % 32);
    lastTime = now;
  }
  return encodeTime(now) + lastRandom.map((d) => ALPHABET[d]).join('');
}
