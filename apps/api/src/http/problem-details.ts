import type { DomainErrorCode, FieldError } from '@switchyard/engine';

/** RFC 9457 problem details, with the field errors of the request that was rejected. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: DomainErrorCode | 'INTERNAL' | 'ROUTE_NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'BAD_REQUEST';
  errors: FieldError[];
}

/** One exhaustive mapping from domain error codes to HTTP: adding a code fails the build here. */
export function httpStatusOf(code: DomainErrorCode): number {
  switch (code) {
    case 'INVALID':
      return 422;
    case 'MALFORMED':
      return 400;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'TOO_LARGE':
      return 413;
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 415;
    case 'EXHAUSTED':
      return 422;
    case 'UNAVAILABLE':
      return 503;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: ProblemDetails['code'],
  detail: string,
  errors: FieldError[] = [],
  instance?: string,
): ProblemDetails {
  return {
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(instance ? { instance } : {}),
    code,
    errors,
  };
}
