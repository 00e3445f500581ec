import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import { GqlContextType } from '@nestjs/graphql';
import { APP_CONFIG, type AppConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/engine';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MalformedBodyError } from './body-parsers';
import { httpStatusOf, problem, type ProblemDetails } from './problem-details';

/** Fastify's own errors (reading the body, routing) carry a code and the status to answer with. */
interface FastifyError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyError(error: unknown): error is FastifyError {
  const candidate = error as Partial<FastifyError> | null;
  return error instanceof Error && typeof candidate?.code === 'string' && candidate.code.startsWith('FST_') && typeof candidate.statusCode === 'number';
}

/** Turns every error that reaches REST into `application/problem+json`; GraphQL errors pass through. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return error;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const response = http.getResponse<FastifyReply>();
    const body = this.toProblem(error, request.originalUrl ?? request.url);
    if (body.status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
    return undefined;
  }

  private toProblem(error: unknown, instance: string): ProblemDetails {
    if (error instanceof DomainError) {
      return problem(httpStatusOf(error.code), error.code, error.message, error.errors, instance);
    }
    if (error instanceof MalformedBodyError) {
      return problem(400, 'MALFORMED', `the request body could not be read: ${error.message}`, [{ path: '', reason: 'SyntaxError', message: error.message }], instance);
    }
    if (isFastifyError(error)) {
      if (error.statusCode === 413) return problem(413, 'TOO_LARGE', `the request body exceeds the limit of ${this.config.bodyLimitBytes} bytes`, [], instance);
      if (error.statusCode === 404) return problem(404, 'ROUTE_NOT_FOUND', error.message, [], instance);
      if (error.statusCode < 500) {
        return problem(error.statusCode, 'MALFORMED', `the request could not be read: ${error.message}`, [{ path: '', reason: 'FieldValueInvalid', message: error.message }], instance);
      }
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 404 ? 'ROUTE_NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
      return problem(status, code, error.message, [], instance);
    }
    return problem(500, 'INTERNAL', 'an unexpected error occurred; it has been logged', [], instance);
  }
}
