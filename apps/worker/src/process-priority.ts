import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority (raises the niceness) of this process's helper threads, so that
 * on a machine shared with the API, background work yields the CPU to answers. The main thread
 * keeps its priority: it stores the next snapshot, which answers wait for.
 *
 * Why the helpers: on Linux niceness belongs to a thread, and V8's garbage-collection helpers
 * start with the process. Measured on a 2-core machine: the worker's idle-time heap reduction
 * (two full collections, ~1.4 cores for ~300 ms, mostly on those helpers) stalled the API's
 * answers by up to 60 ms (BENCHMARKS.md, "Query latency"). Lowering the main thread too made a
 * change's snapshot wait behind the API compiling the previous one (change → snapshot 220 ms →
 * 280–300 ms in the same runs).
 *
 * Returns the threads changed; where threads cannot be listed (not Linux) none are.
 */
export function lowerHelperThreadsPriority(niceness: number): number {
  const taskDir = '/proc/self/task';
  if (niceness <= 0 || !fs.existsSync(taskDir)) return 0;
  let changed = 0;
  for (const thread of fs.readdirSync(taskDir).map(Number)) {
    if (thread === process.pid) continue; // the main thread
    try {
      os.setPriority(thread, Math.max(os.getPriority(thread), niceness));
      changed++;
    } catch {
      // The thread ended meanwhile; nothing to lower.
    }
  }
  return changed;
}

/**
 * Lowers the calling thread's priority by `steps` below what it inherited (at most niceness 19).
 * Linux only: there niceness belongs to a thread; elsewhere the call would change the whole
 * process, so it is skipped. Returns the niceness the thread now has (undefined when skipped).
 */
export function lowerThreadPriority(steps: number): number | undefined {
  if (process.platform !== 'linux' || steps <= 0) return undefined;
  const niceness = Math.min(19, os.getPriority() + steps);
  os.setPriority(niceness);
  return niceness;
}
