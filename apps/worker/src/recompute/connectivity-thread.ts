import { parentPort } from 'node:worker_threads';
import { ConnectivityWork, type ConnectivityRequest } from './connectivity-work';

/** Thread entry: one ConnectivityWork, answering requests in order (see ConnectivityThread). */
const work = new ConnectivityWork();
parentPort!.on('message', ({ id, request }: { id: number; request: ConnectivityRequest }) => {
  try {
    parentPort!.postMessage({ id, result: work.run(request) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
