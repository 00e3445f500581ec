import { describe, expect, it } from 'vitest';
import { runConformance } from '../../scripts/conformance/peer-conformance';
import { peerCorpusPresent } from '../support/peer-corpus';

/**
 * Where we differ from the peer on purpose (CONFORMANCE.md says why): pods of these scenarios
 * have no IP in the input, get one from the pod CIDR, and the guide's convention that ipBlocks
 * match pod IPs then applies; the peer never matches ipBlocks against pods.
 */
const KNOWN_DIFFERENCES = new Set([
  'semanticDiff-different-topologies-policy-a-with-ipblock',
  'semanticDiff-different-topologies-policy-b-with-ipblock',
]);

/**
 * Exposure goldens where the peer is wrong per semantics.md (CONFORMANCE.md says why):
 * k8s_ingress_test_new — its Ingress names backend port 8080, the Service's target port, not one of
 * its ports (5000); the peer matches target ports too and prints an {ingress-controller} row.
 */
const KNOWN_EXPOSURE_DIFFERENCES = new Set(['k8s_ingress_test_new']);

describe.runIf(peerCorpusPresent())('conformance with the peer analyzer', () => {
  it('every in-scope scenario matches its golden connection list, but for the documented differences', () => {
    const { outcomes, focusOutcomes, exposureOutcomes } = runConformance();
    const inScope = outcomes.filter((o) => !o.family);
    const failures = inScope.filter((o) => !o.pass && !KNOWN_DIFFERENCES.has(o.name)).map((o) => `${o.name}: line ${o.diff?.line}: expected ${o.diff?.expected}, got ${o.diff?.got}`);
    expect(failures).toEqual([]);
    expect(inScope.length).toBeGreaterThanOrEqual(50);
    // Ingress / Route scenarios ({ingress-controller} rows) are in scope.
    expect(inScope.filter((o) => o.pass && o.name.includes('ingress')).length).toBeGreaterThanOrEqual(4);
    expect(focusOutcomes.filter((o) => !o.family && !o.pass).map((o) => o.name)).toEqual([]);
    expect(focusOutcomes.filter((o) => !o.family).length).toBeGreaterThanOrEqual(6);
    // A difference that disappears is news too: the list above must then shrink.
    expect(inScope.filter((o) => KNOWN_DIFFERENCES.has(o.name) && o.pass).map((o) => o.name)).toEqual([]);

    // Exposure analysis (renderExposure txt against <scenario>_exposure_output.txt).
    const exposureInScope = exposureOutcomes.filter((o) => !o.family);
    expect(exposureInScope.length).toBeGreaterThanOrEqual(59);
    expect(exposureInScope.filter((o) => !o.pass && !KNOWN_EXPOSURE_DIFFERENCES.has(o.name)).map((o) => `${o.name}: line ${o.diff?.line}: expected ${o.diff?.expected}, got ${o.diff?.got}`)).toEqual([]);
    expect(exposureInScope.filter((o) => KNOWN_EXPOSURE_DIFFERENCES.has(o.name) && o.pass).map((o) => o.name)).toEqual([]);
  }, 240_000);
});
