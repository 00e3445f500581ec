import type { GraphQLFormattedError } from 'graphql';
import { DomainError } from '@switchyard/engine';
import { httpStatusOf } from '../http/problem-details';

/** Apollo's own codes for errors raised before a resolver runs (parse, validation, limits). */
const CLIENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND']);

/**
 * Domain errors become coded GraphQL errors carrying the same field errors REST reports;
 * anything unexpected is reported without internals.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  if (original instanceof DomainError) {
    return {
      message: original.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: original.code, status: httpStatusOf(original.code), errors: original.errors },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) return { message: formatted.message, locations: formatted.locations, extensions: { code } };
  // Depth/cost limit rejections from graphql-armor arrive as plain GraphQL errors without a resolver path.
  if (!formatted.path && !code) return { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } };
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
