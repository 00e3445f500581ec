/**
 * FNV-1a over UTF-16 code units: a fast, deterministic 32-bit hash. Used where a value must
 * depend only on an object's identity (pod name suffixes, address slots), never on order.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** A short suffix like the ones controllers append to pod names (`api-7c9f8b6d4-x2x9z`). */
export function nameSuffix(seed: string, length: number): string {
  let hash = fnv1a(seed);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += ALPHABET[hash % ALPHABET.length];
    hash = Math.floor(hash / ALPHABET.length) || fnv1a(`${seed}/${i}`);
  }
  return out;
}
