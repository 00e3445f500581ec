import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisRequest, AnalysisResult } from './analysis-work';

type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };

/**
 * One worker thread for the analyses that follow a snapshot (analysis-thread.ts), started on first use
 * and again after it dies. Requests are answered in order. Run from sources (tests), the thread
 * loads TypeScript through tsx, as the test runner does.
 */
@Injectable()
export class AnalysisThread implements OnModuleDestroy {
  private worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  run<R extends AnalysisRequest>(request: R): Promise<AnalysisResult<R>> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      worker.postMessage({ id, request });
    });
  }

  async onModuleDestroy(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    const entry = path.join(__dirname, `analysis-thread${path.extname(__filename)}`);
    const worker = entry.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true })
      : new Worker(entry);
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) waiting?.reject(new Error(error));
      else waiting?.resolve(result);
    });
    const failed = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(this.worker === worker ? `analysis thread exited (code ${code})` : 'the worker is stopping')));
    // The thread must not keep a stopping process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
