import http from 'node:http';
import type net from 'node:net';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type express from 'express';

/**
 * Express as Nest runs it, with one difference: Node creates each request and response with
 * Express's prototypes already in place.
 *
 * Why: Express re-parents every request and response as it enters the app
 * (`Object.setPrototypeOf(req, app.request)`). V8 then gives each of them a new hidden class, and
 * whatever the request allocates survives young-generation collections: at 1,000 requests/s
 * ~3 MB were promoted per scavenge, each scavenge paused 5–8 ms instead of under 1 ms, and the old
 * generation filled with dead requests until a full mark-compact (100+ ms of marking with a
 * 10k-pod model in memory) stalled every answer for a moment, every ~10 s. When the prototype is
 * already the one Express sets, that call changes nothing and the garbage dies young
 * (BENCHMARKS.md, "Query latency").
 *
 * HTTPS and Nest's closing options keep Nest's own server set-up; this app uses neither.
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.return503OnClosing || options?.forceCloseConnections) return super.initHttpServer(options);
    const app = this.getInstance<express.Express>();
    this.httpServer = http.createServer(prototypedMessages(app), app);
  }
}

/** Request and response constructors whose instances start out with the app's prototypes. */
export function prototypedMessages(app: express.Express): Pick<http.ServerOptions, 'IncomingMessage' | 'ServerResponse'> {
  // Function constructors, not classes: the instances' prototype must be Express's own object.
  function Request(this: http.IncomingMessage, socket: net.Socket): void {
    http.IncomingMessage.call(this, socket);
  }
  Request.prototype = app.request;
  function Response(this: http.ServerResponse, request: http.IncomingMessage, options?: object): void {
    (http.ServerResponse as unknown as (this: http.ServerResponse, request: http.IncomingMessage, options?: object) => void).call(this, request, options);
  }
  Response.prototype = app.response;
  return {
    IncomingMessage: Request as unknown as typeof http.IncomingMessage,
    ServerResponse: Response as unknown as typeof http.ServerResponse,
  };
}
