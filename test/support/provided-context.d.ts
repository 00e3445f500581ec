// Values provided by test/support/throwaway-database.ts (Vitest globalSetup); read them with inject().
// Importing the module makes this file an augmentation of it (and loads it into the program).
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgresql:// URL of this project's throwaway, migrated database. */
    databaseUrl: string;
    /** redis:// URL of the Redis server the tests may use. */
    redisUrl: string;
    /** Unique BullMQ key prefix for this project's run (`sy-test-<random>`); its keys are deleted at the end. */
    queuePrefix: string;
  }
}
