import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

describe('architecture', () => {
  it('the engine imports no framework or driver, and no app imports another', async () => {
    const { cruise } = await import('dependency-cruiser');
    const config = (await import(path.join(ROOT, '.dependency-cruiser.cjs'))).default;
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const result = await cruise(['apps', 'libs'], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } });
      const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
      const violations = output.summary.violations.map((v: { rule: { name: string }; from: string; to: string }) => `${v.rule.name}: ${v.from} → ${v.to}`);
      expect(violations).toEqual([]);
      expect(output.summary.totalCruised).toBeGreaterThan(20);
    } finally {
      process.chdir(cwd);
    }
  }, 60_000);
});
