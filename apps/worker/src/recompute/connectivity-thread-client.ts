import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ConnectivityRequest, ConnectivityResult } from './connectivity-work';

type Pending = { resolve: (result: ConnectivityResult) => void; reject: (error: Error) => void };

/**
 * One worker thread that derives connection lists (connectivity-thread.ts), started on first use
 * and again after it dies. Requests are answered in order. Run from sources (tests), the thread
 * loads TypeScript through tsx, as the test runner does.
 */
@Injectable()
export class ConnectivityThread implements OnModuleDestroy {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  run(request: ConnectivityRequest): Promise<ConnectivityResult> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, request });
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const entry = path.join(__dirname, `connectivity-thread${path.extname(__filename)}`);
    const worker = entry.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true })
      : new Worker(entry);
    worker.on('message', ({ id, result, error }: { id: number; result?: ConnectivityResult; error?: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) waiting?.reject(new Error(error));
      else waiting?.resolve(result!);
    });
    const failed = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`connectivity thread exited (code ${code})`)));
    // The thread must not keep a stopping process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
