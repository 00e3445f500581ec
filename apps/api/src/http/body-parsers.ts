import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Marks a route whose body is handed over as text whatever its media type: apply and what-if,
 * whose YAML or JSON the engine parses itself to report lines and columns.
 */
export const TextBody = (): MethodDecorator => RouteConfig({ textBody: true });

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/** A request body that could not be read: answered as 400 MALFORMED (see ProblemDetailsFilter). */
export class MalformedBodyError extends Error {
  readonly statusCode = 400;
}

/**
 * One parser for every media type, as the API had with Express: routes marked `TextBody` get the
 * raw text whatever its type (the engine validates it), JSON elsewhere is parsed (an empty body is
 * `{}`), and any other body is left unread (the handler decides; apply answers 415 for types it
 * does not take).
 */
export function registerBodyParsers(fastify: FastifyInstance, limit: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: limit }, (request: FastifyRequest, body: string | Buffer, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if ((request.routeOptions.config as { textBody?: boolean } | undefined)?.textBody) return done(null, text);
    if (!JSON_TYPE.test(request.headers['content-type'] ?? '')) return done(null, undefined);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      done(new MalformedBodyError((error as Error).message), undefined);
    }
  });
}
