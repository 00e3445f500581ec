import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** Niceness of every thread of a process, from /proc/<pid>/task/<tid>/stat (field 19). */
const SCRIPT = `
require('tsx/cjs');
const { lowerHelperThreadsPriority } = require(${JSON.stringify(path.join(__dirname, 'process-priority.ts'))});
const fs = require('node:fs');
const niceOf = (tid) => { const stat = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8'); return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); };
const mainBefore = niceOf(process.pid);
const changed = lowerHelperThreadsPriority(10);
const helpers = fs.readdirSync('/proc/self/task').filter((tid) => Number(tid) !== process.pid).map(niceOf);
process.stdout.write(JSON.stringify({ changed, mainBefore, main: niceOf(process.pid), helpers }));
`;

describe('lowerHelperThreadsPriority', () => {
  it.runIf(fs.existsSync('/proc/self/task'))("lowers every thread but the main one (V8's helpers start with the process)", () => {
    const run = spawnSync(process.execPath, ['-e', SCRIPT], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    const { changed, mainBefore, main, helpers } = JSON.parse(run.stdout) as { changed: number; mainBefore: number; main: number; helpers: number[] };
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBe(helpers.length);
    expect(helpers.every((n) => n >= 10)).toBe(true);
    expect(main).toBe(mainBefore);
  });
});

describe('lowerThreadPriority', () => {
  it.runIf(process.platform === 'linux')('lowers only the calling thread', () => {
    const script = `
require('tsx/cjs');
const { Worker } = require('node:worker_threads');
const os = require('node:os');
const fs = require('node:fs');
const niceOf = (tid) => { const stat = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8'); return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]); };
const worker = new Worker(\`
  require('tsx/cjs');
  const { lowerThreadPriority } = require(${JSON.stringify(path.join(__dirname, 'process-priority.ts'))});
  require('node:worker_threads').parentPort.postMessage(lowerThreadPriority(9));
\`, { eval: true });
worker.on('message', (niceness) => {
  const all = fs.readdirSync('/proc/self/task').map(niceOf);
  const main = niceOf(process.pid);
  process.stdout.write(JSON.stringify({ niceness, main, lowered: all.filter((n) => n !== main).length }));
  worker.terminate();
});
`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    const { niceness, main, lowered } = JSON.parse(run.stdout) as { niceness: number; main: number; lowered: number };
    expect(niceness).toBe(Math.min(19, main + 9));
    if (main < 19) expect(lowered).toBe(1); // the worker thread alone
  });
});
