import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditYaml, deployment, lockedDown, namespace } from './audit-cluster.fixture';
import { AUDIT_RULES } from './audit-rules';
import { FINDING_SEVERITIES } from './finding';

describe('AUDIT_RULES', () => {
  it('has unique ids, known severities and a title and description for each rule', () => {
    expect(new Set(AUDIT_RULES.map((r) => r.id)).size).toBe(AUDIT_RULES.length);
    for (const rule of AUDIT_RULES) {
      expect(FINDING_SEVERITIES).toContain(rule.severity);
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.title.length).toBeGreaterThan(0);
      expect(rule.description.length).toBeGreaterThan(0);
    }
  });

  it('has a rule file and a test file for every rule', () => {
    for (const rule of AUDIT_RULES) {
      expect(fs.existsSync(path.join(__dirname, 'rules', `${rule.id}.ts`)), rule.id).toBe(true);
      expect(fs.existsSync(path.join(__dirname, 'rules', `${rule.id}.test.ts`)), rule.id).toBe(true);
    }
  });
});

describe('auditCluster', () => {
  const messy = `${deployment('default', 'web', { app: 'web' })}apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec: { type: NodePort, selector: { app: wbe }, ports: [{ port: 80 }] }
`;

  it('orders findings by severity, then rule, then key, with sorted objects and rule severities', () => {
    const findings = auditYaml(messy);
    expect(findings.map((f) => f.rule)).toEqual([
      'service-selects-no-pod',
      'namespace-without-default-deny',
      'node-port-service',
      'object-in-default-namespace',
      'object-in-default-namespace',
    ]);
    const severity = new Map(AUDIT_RULES.map((r) => [r.id, r.severity]));
    for (const f of findings) expect(f.severity).toBe(severity.get(f.rule));
  });

  it('is deterministic: the same state gives the same findings and keys', () => {
    expect(auditYaml(messy)).toEqual(auditYaml(messy));
  });

  it('finds nothing in a tidy cluster', () => {
    const tidy = namespace('shop') + deployment('shop', 'api', { app: 'api' }, [{ name: 'http', port: 8080 }]) + lockedDown('shop');
    expect(auditYaml(tidy)).toEqual([]);
  });
});
