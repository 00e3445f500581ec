import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { GqlContextType } from '@nestjs/graphql';
import { DomainError } from '@switchyard/engine';
import type { Request, Response } from 'express';
import { httpStatusOf, problem, type ProblemDetails } from './problem-details';

/** Errors raised by body-parser before any handler runs carry a `type` and a status. */
interface BodyParserError {
  type: string;
  status?: number;
  message: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as BodyParserError).type === 'string' && 'expose' in error;
}

/** Turns every error that reaches REST into `application/problem+json`; GraphQL errors pass through. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return error;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const body = this.toProblem(error, request.originalUrl ?? request.url);
    if (body.status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
    return undefined;
  }

  private toProblem(error: unknown, instance: string): ProblemDetails {
    if (error instanceof DomainError) {
      return problem(httpStatusOf(error.code), error.code, error.message, error.errors, instance);
    }
    if (isBodyParserError(error)) {
      if (error.type === 'entity.too.large') {
        return problem(413, 'TOO_LARGE', `the request body exceeds the limit of ${error.limit} bytes`, [], instance);
      }
      return problem(400, 'MALFORMED', `the request body could not be read: ${error.message}`, [
        { path: '', reason: 'SyntaxError', message: error.message },
      ], instance);
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      // Nest hands body-parser failures on as HttpExceptions: an unreadable body or one too large.
      if (status === 413) return problem(413, 'TOO_LARGE', `the request body exceeds the size limit: ${error.message}`, [], instance);
      if (status === 400) {
        return problem(400, 'MALFORMED', `the request body could not be read: ${error.message}`, [
          { path: '', reason: 'SyntaxError', message: error.message },
        ], instance);
      }
      const code = status === 404 ? 'ROUTE_NOT_FOUND' : status === 405 ? 'METHOD_NOT_ALLOWED' : status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
      return problem(status, code, error.message, [], instance);
    }
    return problem(500, 'INTERNAL', 'an unexpected error occurred; it has been logged', [], instance);
  }
}
