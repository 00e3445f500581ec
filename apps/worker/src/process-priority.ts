import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the scheduling priority (raises the niceness) of every thread of this process, so that
 * on a machine shared with the API, background computation yields the CPU to answers.
 *
 * Why every thread: on Linux niceness belongs to a thread, and V8's garbage-collection helpers
 * start with the process. Measured on a 2-core machine: the worker's idle-time heap reduction
 * (two full collections, ~1.4 cores for ~300 ms) stalled the API's answers by up to 60 ms
 * (BENCHMARKS.md, "Query latency"). Threads started later (the analysis thread, libuv's pool)
 * inherit the niceness of the thread that starts them.
 *
 * Returns the threads changed; where threads cannot be listed (not Linux) only the calling one is.
 */
export function lowerProcessPriority(niceness: number): number {
  if (niceness <= 0) return 0;
  const taskDir = '/proc/self/task';
  const threads = fs.existsSync(taskDir) ? fs.readdirSync(taskDir).map(Number) : [0];
  let changed = 0;
  for (const thread of threads) {
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
