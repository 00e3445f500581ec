import { parentPort } from 'node:worker_threads';
import { lowerThreadPriority } from '../process-priority';
import { AnalysisWork, type AnalysisRequest } from './analysis-work';

// The lowest priority: when they compete for the CPU, the next snapshot (which answers wait for)
// and the API's answers go before this background analysis (which nothing waits for). Measured
// at 10k pods: changes stored while a connection list was being made took 250–450 ms instead of
// 50–200 ms.
lowerThreadPriority(19);

/** Thread entry: one AnalysisWork, answering requests in order (see AnalysisThread). */
const work = new AnalysisWork();
parentPort!.on('message', ({ id, request }: { id: number; request: AnalysisRequest }) => {
  try {
    parentPort!.postMessage({ id, result: work.run(request) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
