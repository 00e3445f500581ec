#!/usr/bin/env node
// `npm start`: from a fresh clone to a running API + worker.
//
//   install deps (when needed) -> npm run build -> find/start Postgres + Redis -> create DB ->
//   prisma migrate deploy -> start API and worker -> wait for /health/ready -> print URLs.
//
// Ctrl-C / SIGTERM stops both apps (SIGTERM, then SIGKILL after a timeout) and any project-local
// Postgres/Redis this run started. If one app dies, the other is stopped and the exit code is non-zero.
//
// Usage: node scripts/start.mjs [--role api|worker|all] [--services-only [--keep-services]]
//                               [--no-install] [--no-build] [--ready-timeout <seconds>]

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  UserFacingError,
  build,
  ensureDatabase,
  ensureDependencies,
  log,
  migrate,
  redactUrl,
  repoRoot,
  reportError,
  resolveServices,
  warn,
} from './local-services.mjs';

const ENTRIES = {
  api: 'dist/apps/api/apps/api/src/main.js',
  worker: 'dist/apps/worker/apps/worker/src/main.js',
};

const HELP = `Usage: node scripts/start.mjs [options]   (npm start / npm run start:api / npm run start:worker)

  --role api|worker|all   start only the API, only the worker, or both (default: all)
  --services-only         install if needed, resolve Postgres/Redis, create the database, migrate,
                          print the URLs and exit (no build, no apps); stops services it started
  --keep-services         with --services-only: leave project-local services running
                          (stop them later with: node scripts/local-services.mjs stop)
  --no-install            never run npm install
  --no-build              skip npm run build (use the existing dist/)
  --ready-timeout <s>     how long to wait for /health/ready (default 60)
  --help                  this text

Environment: PORT (3000), DATABASE_URL, REDIS_URL, QUEUE_PREFIX are passed to the apps.
Without DATABASE_URL/REDIS_URL, 127.0.0.1:5432 and 127.0.0.1:6379 are used when they answer,
else project-local servers are started under .data/ (ports 54329 and 63799).
SWITCHYARD_STOP_TIMEOUT (seconds, default 10): grace period before SIGKILL on shutdown.`;

function parseArgs(argv) {
  const options = {
    role: 'all',
    servicesOnly: false,
    keepServices: false,
    install: true,
    build: true,
    readyTimeoutMs: Number(process.env.SWITCHYARD_READY_TIMEOUT ?? 60) * 1000,
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    if (arg.startsWith('--') && arg.includes('=')) [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new UserFacingError(`${arg} needs a value.\n\n${HELP}`, 2);
      return argv[++i];
    };
    switch (arg) {
      case '--role':
        options.role = next();
        if (!['api', 'worker', 'all'].includes(options.role)) {
          throw new UserFacingError(`--role must be api, worker or all (got "${options.role}").`, 2);
        }
        break;
      case '--services-only':
        options.servicesOnly = true;
        break;
      case '--keep-services':
        options.keepServices = true;
        break;
      case '--no-install':
      case '--skip-install':
        options.install = false;
        break;
      case '--no-build':
      case '--skip-build':
        options.build = false;
        break;
      case '--ready-timeout': {
        const seconds = Number(next());
        if (!Number.isFinite(seconds) || seconds <= 0) throw new UserFacingError('--ready-timeout needs a positive number of seconds.', 2);
        options.readyTimeoutMs = seconds * 1000;
        break;
      }
      case '--help':
      case '-h':
        process.stdout.write(`${HELP}\n`);
        process.exit(0);
        break;
      default:
        throw new UserFacingError(`unknown option ${argv[i]}\n\n${HELP}`, 2);
    }
  }
  if (!Number.isFinite(options.readyTimeoutMs) || options.readyTimeoutMs <= 0) options.readyTimeoutMs = 60_000;
  return options;
}

function parsePort() {
  const raw = process.env.PORT ?? '3000';
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UserFacingError(`PORT=${raw} is not a valid port.`);
  return port;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code !== 'EADDRINUSE'));
    server.listen({ port }, () => server.close(() => resolve(true)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------

const state = {
  services: null, // result of resolveServices
  children: new Map(), // role -> { child, exited: Promise }
  stopping: false,
  keepServices: false,
};

function signalChild(child, signal) {
  // Children run in their own process group (detached) so a terminal Ctrl-C reaches only us and
  // the apps get exactly one orderly SIGTERM. Signal the group, fall back to the process.
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {}
  }
}

async function stopChildren() {
  const timeoutMs = Number(process.env.SWITCHYARD_STOP_TIMEOUT ?? 10) * 1000 || 10_000;
  const running = [...state.children.entries()].filter(([, c]) => c.child.exitCode === null && c.child.signalCode === null);
  if (running.length === 0) return;
  log(`stopping ${running.map(([role]) => role).join(' and ')} (SIGTERM)`);
  for (const [, c] of running) signalChild(c.child, 'SIGTERM');
  await Promise.all(
    running.map(async ([role, c]) => {
      const timer = sleep(timeoutMs).then(() => 'timeout');
      if ((await Promise.race([c.exited, timer])) === 'timeout') {
        warn(`${role} did not stop within ${timeoutMs / 1000} s: sending SIGKILL`);
        signalChild(c.child, 'SIGKILL');
        await c.exited;
      }
    }),
  );
}

async function shutdown(exitCode) {
  if (state.stopping) return;
  state.stopping = true;
  try {
    await stopChildren();
  } catch (error) {
    warn(`error while stopping the apps: ${error.message}`);
  }
  if (state.services && !state.keepServices) await state.services.stop();
  process.exit(exitCode);
}

function installSignalHandlers() {
  const onSignal = (signal) => {
    if (state.stopping) {
      log(`${signal} received again: still stopping, please wait`);
      return;
    }
    log(`${signal} received: shutting down`);
    void shutdown(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
}

function startApp(role, env) {
  const entry = path.join(repoRoot, ENTRIES[role]);
  if (!fs.existsSync(entry)) {
    throw new UserFacingError(`${ENTRIES[role]} does not exist: the build did not produce the ${role}. Run npm run build.`);
  }
  log(`starting ${role}: node ${ENTRIES[role]}`);
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: process.platform !== 'win32',
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.once('error', (error) => warn(`${role} could not start: ${error.message}`));
  exited.then(({ code, signal }) => {
    if (state.stopping) return;
    warn(`${role} exited unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`}): stopping everything`);
    void shutdown(code && code !== 0 ? code : 1);
  });
  state.children.set(role, { child, exited });
  return child;
}

async function waitForReady(port, timeoutMs) {
  const url = `http://127.0.0.1:${port}/health/ready`;
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  log(`waiting up to ${Math.round(timeoutMs / 1000)} s for ${url}`);
  while (Date.now() < deadline) {
    if (state.stopping) return false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.status === 200) return true;
      const body = (await response.text().catch(() => '')).slice(0, 500);
      lastError = `HTTP ${response.status}${body ? `: ${body}` : ''}`;
    } catch (error) {
      lastError = error.cause?.code ?? error.cause?.message ?? error.message;
    }
    await sleep(500);
  }
  throw new UserFacingError(`the API did not become ready within ${Math.round(timeoutMs / 1000)} s; last error from ${url}: ${lastError}`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  state.keepServices = options.servicesOnly && options.keepServices;
  installSignalHandlers();

  ensureDependencies({ skip: !options.install });

  const port = parsePort();
  const roles = options.role === 'all' ? ['api', 'worker'] : [options.role];

  if (!options.servicesOnly) {
    if (options.build) build();
    else log('skipping the build (--no-build)');
    for (const role of roles) {
      if (!fs.existsSync(path.join(repoRoot, ENTRIES[role]))) {
        throw new UserFacingError(`${ENTRIES[role]} does not exist: run npm run build (or drop --no-build).`);
      }
    }
    if (roles.includes('api') && !(await portIsFree(port))) {
      throw new UserFacingError(`port ${port} is already in use: stop whatever listens there or set PORT to another port.`);
    }
  }

  state.services = await resolveServices({});
  const { databaseUrl, redisUrl, sources } = state.services;
  log(`database: ${redactUrl(databaseUrl)} (${sources.database})`);
  log(`redis:    ${redactUrl(redisUrl)} (${sources.redis})`);
  if (state.stopping) return;

  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  if (state.stopping) return;

  if (options.servicesOnly) {
    process.stdout.write(`\nDATABASE_URL=${databaseUrl}\nREDIS_URL=${redisUrl}\n\n`);
    if (state.keepServices && state.services.started.length) {
      log('project-local services left running; stop them with: node scripts/local-services.mjs stop');
    }
    await shutdown(0);
    return;
  }

  const env = { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
  for (const role of roles) startApp(role, env);

  if (roles.includes('api')) {
    if (!(await waitForReady(port, options.readyTimeoutMs))) return;
    const base = `http://localhost:${port}`;
    process.stdout.write(
      [
        '',
        `Switchyard is running (${roles.join(' + ')}). Ctrl-C to stop.`,
        `  API               ${base}/api/v1`,
        `  OpenAPI docs      ${base}/docs`,
        `  GraphQL explorer  ${base}/graphql`,
        `  Health            ${base}/health/live  ${base}/health/ready`,
        '',
        '',
      ].join('\n'),
    );
  } else {
    await sleep(2000);
    if (state.stopping) return;
    process.stdout.write(`\nSwitchyard worker is running (pid ${state.children.get('worker').child.pid}). Ctrl-C to stop.\n\n`);
  }
}

main().catch(async (error) => {
  const code = reportError(error);
  await shutdown(code);
});
