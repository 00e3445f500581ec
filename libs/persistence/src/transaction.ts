import type { Prisma } from './generated/prisma/client';

/** The client handed to a `$transaction` callback. */
export type Tx = Prisma.TransactionClient;

/** Large applies write thousands of rows; Prisma's 5 s default would cut them off. */
export const WRITE_TRANSACTION = { maxWait: 10_000, timeout: 120_000 } as const;
