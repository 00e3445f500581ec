#!/usr/bin/env node
// `npm test`: install deps (when needed) -> npm run build -> make sure Postgres and Redis answer ->
// npx vitest run (projects unit, integration, e2e from vitest.config.ts) -> exit with Vitest's code.
//
// The integration and e2e projects make their own throwaway database and Redis key prefix
// (test/support/throwaway-database.ts) on the server given by TEST_DATABASE_URL / TEST_REDIS_URL.
// Those are set here: from TEST_* or DATABASE_URL/REDIS_URL when given, else the local servers on
// 5432/6379 when they answer, else project-local servers started under .data/ and stopped at the end.
//
// Usage: node scripts/test.mjs [--no-install] [--no-build] [--no-services] [vitest args...]
//   e.g. npm test -- --project unit

import { spawn } from 'node:child_process';
import {
  build,
  ensureDependencies,
  log,
  redactUrl,
  repoRoot,
  reportError,
  resolveServices,
  warn,
} from './local-services.mjs';

const HELP = `Usage: node scripts/test.mjs [options] [vitest arguments]   (npm test [-- ...])

  --no-install    never run npm install
  --no-build      skip npm run build
  --no-services   do not look for / start Postgres and Redis (unit tests only)
  --help          this text

Other arguments go to \`vitest run\` (e.g. --project unit, a file filter, -t "name").
Servers: TEST_DATABASE_URL / TEST_REDIS_URL, else DATABASE_URL / REDIS_URL, else 127.0.0.1:5432 /
127.0.0.1:6379 when they answer, else project-local ones under .data/ (stopped afterwards).`;

function parseArgs(argv) {
  const options = { install: true, build: true, services: true, vitestArgs: [] };
  for (const arg of argv) {
    if (arg === '--no-install' || arg === '--skip-install') options.install = false;
    else if (arg === '--no-build' || arg === '--skip-build') options.build = false;
    else if (arg === '--no-services') options.services = false;
    else if (arg === '--help' && options.vitestArgs.length === 0) {
      process.stdout.write(`${HELP}\n`);
      process.exit(0);
    } else options.vitestArgs.push(arg);
  }
  return options;
}

let services = null;
let vitest = null;
let stopping = false;

async function finish(code) {
  if (services) {
    const s = services;
    services = null;
    await s.stop();
  }
  process.exit(code);
}

function runVitest(args, env) {
  return new Promise((resolve) => {
    log(`running: npx vitest run${args.length ? ` ${args.join(' ')}` : ''}`);
    vitest = spawn('npx', ['vitest', 'run', ...args], {
      cwd: repoRoot,
      env,
      stdio: 'inherit',
      shell: process.platform === 'win32',
    });
    vitest.on('error', (error) => {
      warn(`vitest could not run: ${error.message}`);
      resolve(1);
    });
    vitest.on('exit', (code, signal) => {
      if (code !== null) resolve(code);
      else resolve(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGKILL: 9 }[signal] ?? 0) || 1);
    });
  });
}

async function main() {
  const options = parseArgs(process.argv.slice(2));

  // Vitest runs in our process group: a terminal Ctrl-C reaches it directly. A SIGTERM sent to this
  // script alone is forwarded. Either way we wait for Vitest (its teardown drops the test databases)
  // and then stop the services we started.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (vitest) {
        if (vitest.exitCode === null && signal !== 'SIGINT') vitest.kill(signal);
      } else {
        stopping = true; // checked between the setup steps below
      }
    });
  }

  ensureDependencies({ skip: !options.install });
  if (options.build) build();
  else log('skipping the build (--no-build)');
  if (stopping) return finish(130);

  const env = { ...process.env };
  if (options.services) {
    services = await resolveServices({
      databaseUrl: process.env.TEST_DATABASE_URL || process.env.DATABASE_URL,
      redisUrl: process.env.TEST_REDIS_URL || process.env.REDIS_URL,
      database: 'postgres',
    });
    env.TEST_DATABASE_URL = services.databaseUrl;
    env.TEST_REDIS_URL = services.redisUrl;
    log(`test database server: ${redactUrl(services.databaseUrl)} (${services.sources.database})`);
    log(`test redis:           ${redactUrl(services.redisUrl)} (${services.sources.redis})`);
    if (stopping) return finish(130);
  }

  const code = await runVitest(options.vitestArgs, env);
  await finish(code);
}

main().catch(async (error) => {
  const code = reportError(error);
  // Vitest never ran, so its reporter printed no summary: CI reads this closing line instead.
  process.stdout.write('\n0 passed, 1 failed\n');
  await finish(code);
});
