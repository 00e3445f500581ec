/**
 * Byte-wise string order (UTF-16 code units, not locale order), so sorted results do not depend
 * on the runtime's ICU and match Go's string order for the ASCII names the engine sorts.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
