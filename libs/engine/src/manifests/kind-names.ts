import { SUPPORTED_KINDS } from './kinds';

/**
 * The names people type for kinds, as kubectl accepts them: the kind itself, its lower-case
 * singular and plural, and the short names (`deploy`, `sts`, `netpol`, ...). Built from the
 * kind registry (kinds.ts), which holds each kind's plural and short names.
 */
const BY_NAME = new Map<string, string>();
for (const { kind, plural, shortNames } of SUPPORTED_KINDS.values()) {
  for (const name of [kind, plural, ...shortNames]) BY_NAME.set(name.toLowerCase(), kind);
}

/** The canonical kind for a name a person typed (case-insensitive), or undefined when no supported kind has it. */
export function resolveKindName(name: string): string | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Every canonical kind name, in registry order, for messages that list what is accepted. */
export const SUPPORTED_KIND_NAMES: ReadonlyArray<string> = [...SUPPORTED_KINDS.keys()];
