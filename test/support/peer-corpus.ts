import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The peer's scenarios live beside the repository, in ../shared (as on every machine and in CI). */
export const PEER_ROOT = path.resolve(__dirname, '../../../shared/peer/netpol-analyzer');
export const PEER_TESTS = path.join(PEER_ROOT, 'tests');

export function peerCorpusPresent(): boolean {
  return existsSync(PEER_TESTS);
}

/** The manifest files of a scenario folder and its subfolders, in order (also what the conformance scripts read). */
export function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...manifestFiles(full));
    // `connlist_output.json` files are the peer's own results kept beside its inputs, not manifests.
    else if (/\.(ya?ml|json)$/i.test(entry) && !/_output\.json$/.test(entry)) out.push(full);
  }
  return out;
}

export interface PeerScenario {
  name: string;
  /** Every manifest file of the scenario as one multi-document YAML body (JSON is YAML too). */
  body: string;
  files: string[];
}

/** Scenario folders that hold inputs meant to be accepted (`bad_path` ones must be rejected). */
export function peerScenarios(options: { badPath: boolean }): PeerScenario[] {
  return readdirSync(PEER_TESTS)
    .filter((name) => statSync(path.join(PEER_TESTS, name)).isDirectory())
    .filter((name) => name.includes('bad_path') === options.badPath)
    .sort()
    .map((name) => {
      const files = manifestFiles(path.join(PEER_TESTS, name));
      const body = files.map((file) => readFileSync(file, 'utf8').replace(/^\uFEFF/, '')).join('\n---\n');
      return { name, body, files };
    });
}
