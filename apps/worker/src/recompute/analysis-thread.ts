import { parentPort } from 'node:worker_threads';
import { AnalysisWork, type AnalysisRequest } from './analysis-work';

/** Thread entry: one AnalysisWork, answering requests in order (see AnalysisThread). */
const work = new AnalysisWork();
parentPort!.on('message', ({ id, request }: { id: number; request: AnalysisRequest }) => {
  try {
    parentPort!.postMessage({ id, result: work.run(request) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
