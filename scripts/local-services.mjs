// Shared logic for scripts/start.mjs and scripts/test.mjs: dependency install, build, finding
// (or starting) Postgres and Redis, creating the database and applying migrations.
//
// Only Node built-ins are imported at the top: `pg` is imported lazily, after ensureDependencies()
// has had a chance to run `npm install` on a fresh clone.
//
// Also usable on its own:
//   node scripts/local-services.mjs status   show what answers where
//   node scripts/local-services.mjs stop     stop project-local services left running in .data/
//
// Environment knobs (all optional):
//   DATABASE_URL / REDIS_URL                    use these servers, no probing, nothing started
//   SWITCHYARD_PG_PROBE_PORT (5432)             port probed for an already-running Postgres
//   SWITCHYARD_REDIS_PROBE_PORT (6379)          port probed for an already-running Redis
//   SWITCHYARD_LOCAL_PG_PORT (54329)            port of a project-local Postgres under .data/
//   SWITCHYARD_LOCAL_REDIS_PORT (63799)         port of a project-local Redis under .data/

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const defaultDataDir = path.join(repoRoot, '.data');

const isWindows = process.platform === 'win32';

/** An error whose message is meant for the person at the terminal: printed without a stack. */
export class UserFacingError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.name = 'UserFacingError';
    this.exitCode = exitCode;
  }
}

export function log(message) {
  process.stdout.write(`[switchyard] ${message}\n`);
}

export function warn(message) {
  process.stderr.write(`[switchyard] ${message}\n`);
}

/** Prints an error (without stack for UserFacingError) and returns the exit code to use. */
export function reportError(error) {
  if (error instanceof UserFacingError) {
    process.stderr.write(`\n[switchyard] ${error.message}\n`);
    return error.exitCode;
  }
  process.stderr.write(`\n[switchyard] unexpected error: ${error?.stack ?? error}\n`);
  return 1;
}

/** Hides the password of a connection URL for logs. */
export function redactUrl(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function relative(p) {
  const rel = path.relative(repoRoot, p);
  return rel && !rel.startsWith('..') ? rel : p;
}

// ---------------------------------------------------------------------------------------------
// Dependencies and build
// ---------------------------------------------------------------------------------------------

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why `npm install` is needed, or null when node_modules is up to date. */
export function installReason(root = repoRoot) {
  if (!fs.existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  const marker = mtimeMs(path.join(root, 'node_modules', '.package-lock.json'));
  if (marker === undefined) return 'node_modules/.package-lock.json is missing';
  for (const file of ['package.json', 'package-lock.json']) {
    const m = mtimeMs(path.join(root, file));
    if (m !== undefined && m > marker) return `${file} is newer than node_modules`;
  }
  return null;
}

/** Runs a command with inherited stdio; throws a UserFacingError when it fails. */
export function runOrThrow(command, args, { cwd = repoRoot, env = process.env, what } = {}) {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit', shell: isWindows });
  if (result.error) {
    throw new UserFacingError(`${what ?? command} could not run: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const how = result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    throw new UserFacingError(`${what ?? `${command} ${args.join(' ')}`} failed (${how}).`, result.status || 1);
  }
}

/** `npm install --no-audit --no-fund` when node_modules is missing or older than the manifests. */
export function ensureDependencies({ root = repoRoot, skip = false } = {}) {
  const reason = installReason(root);
  if (!reason) return false;
  if (skip) {
    warn(`${reason}, but installing was skipped (--no-install).`);
    return false;
  }
  log(`${reason}: running npm install --no-audit --no-fund`);
  runOrThrow('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, what: 'npm install' });
  // npm may write package-lock.json after its hidden lockfile: mark node_modules as current so
  // the next run does not install again.
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  if (fs.existsSync(marker)) {
    const now = new Date();
    fs.utimesSync(marker, now, now);
  }
  return true;
}

export function build({ root = repoRoot } = {}) {
  log('building: npm run build');
  runOrThrow('npm', ['run', 'build'], { cwd: root, what: 'npm run build' });
}

// ---------------------------------------------------------------------------------------------
// Probes
// ---------------------------------------------------------------------------------------------

function withTimeout(promise, ms, message) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function loadPg() {
  try {
    const mod = await import('pg');
    return mod.default ?? mod;
  } catch (error) {
    throw new UserFacingError(`cannot load the 'pg' package (${error.message}); run npm install first.`);
  }
}

/** True when a Postgres at host:port accepts user postgres on database postgres and answers SELECT 1. */
export async function probePostgres({ host = '127.0.0.1', port = 5432, timeoutMs = 2000 } = {}) {
  const pg = await loadPg();
  const client = new pg.Client({
    host,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => {});
  try {
    await withTimeout(client.connect(), timeoutMs + 500, 'connect timed out');
    await withTimeout(client.query('SELECT 1'), timeoutMs, 'query timed out');
    return true;
  } catch {
    return false;
  } finally {
    client.end().catch(() => {});
  }
}

/** True when a Redis at host:port answers PING with PONG (raw RESP over a socket, no client needed). */
export function probeRedis({ host = '127.0.0.1', port = 6379, timeoutMs = 1500 } = {}) {
  return new Promise((resolve) => {
    let settled = false;
    let reply = '';
    const socket = net.connect({ host, port });
    const finish = (ok) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
    socket.on('close', () => finish(false));
  });
}

function envPort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new UserFacingError(`${name}=${raw} is not a valid port.`);
  }
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Project-local Postgres
// ---------------------------------------------------------------------------------------------

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function whichAll(name) {
  const found = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) found.push(candidate);
  }
  return found;
}

function which(name, extraDirs = []) {
  const onPath = whichAll(name);
  if (onPath.length) return onPath[0];
  for (const dir of extraDirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function versionKey(dir) {
  return (path.basename(path.dirname(dir)).match(/\d+/g) ?? ['0']).map(Number);
}

/** Finds a directory holding both initdb and pg_ctl: PATH first, then /usr/lib/postgresql/<v>/bin (newest). */
export function findPostgresBinaries() {
  const candidates = [];
  for (const initdb of whichAll('initdb')) {
    // Debian does not put initdb on PATH, but a symlink (e.g. /usr/local/bin/initdb) may point into
    // the versioned directory: prefer the pg_ctl next to the real initdb.
    let real = initdb;
    try {
      real = fs.realpathSync(initdb);
    } catch {}
    candidates.push(path.dirname(real), path.dirname(initdb));
  }
  const debianRoot = '/usr/lib/postgresql';
  try {
    const versions = fs
      .readdirSync(debianRoot)
      .map((v) => path.join(debianRoot, v, 'bin'))
      .sort((a, b) => {
        const [ka, kb] = [versionKey(a), versionKey(b)];
        for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
          if ((ka[i] ?? 0) !== (kb[i] ?? 0)) return (kb[i] ?? 0) - (ka[i] ?? 0);
        }
        return 0;
      });
    candidates.push(...versions);
  } catch {}
  for (const dir of candidates) {
    const initdb = path.join(dir, 'initdb');
    const pgCtl = path.join(dir, 'pg_ctl');
    if (isExecutable(initdb) && isExecutable(pgCtl)) return { initdb, pgCtl, dir };
  }
  const initdb = which('initdb');
  const pgCtl = which('pg_ctl');
  if (initdb && pgCtl) return { initdb, pgCtl, dir: path.dirname(initdb) };
  return null;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresUserIds() {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * How to run Postgres tools: directly, or (as root, which initdb/postgres refuse) via
 * `runuser -u postgres --`. Returns { prefix, ids } where ids is the postgres user's uid/gid when
 * files must be handed over to it.
 */
function postgresRunner() {
  if (!isRoot()) return { prefix: [], ids: null };
  const runuser = which('runuser', ['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  const ids = postgresUserIds();
  if (!runuser || !ids) {
    throw new UserFacingError(
      'Running as root: a project-local Postgres must run as user "postgres" through runuser, but ' +
        `${!ids ? 'there is no "postgres" user' : 'runuser was not found'}. ` +
        'Install the Debian package (apt-get install postgresql) or set DATABASE_URL.',
    );
  }
  return { prefix: [runuser, '-u', 'postgres', '--'], ids };
}

function runCapture(prefix, command, args, { timeoutMs = 120_000 } = {}) {
  const [cmd, ...rest] = [...prefix, command, ...args];
  const result = spawnSync(cmd, rest, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: timeoutMs,
    cwd: os.tmpdir(), // the postgres user may not be allowed into the current directory
  });
  return {
    ok: !result.error && result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`.trim(),
  };
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Whether the postgres user can write into dir (needs search permission on every parent). */
function postgresCanUse(prefix, dir) {
  if (prefix.length === 0) return true;
  return runCapture(prefix, 'test', ['-w', dir, '-a', '-x', dir]).ok;
}

function pgPaths(dataDir) {
  return { pgDir: path.join(dataDir, 'postgres') };
}

function socketDirFor(pgDir, port) {
  // Unix socket paths are limited to ~107 bytes.
  return path.join(pgDir, `.s.PGSQL.${port}`).length < 100 ? pgDir : os.tmpdir();
}

async function startLocalPostgres({ dataDir, port, database }) {
  const url = `postgresql://postgres@127.0.0.1:${port}/${database}`;
  if (await probePostgres({ port })) {
    log(`Postgres: reusing the project-local server already answering on 127.0.0.1:${port}.`);
    return { url, started: null };
  }
  const bins = findPostgresBinaries();
  if (!bins) {
    throw new UserFacingError(
      'Postgres does not answer on 127.0.0.1:5432 and no PostgreSQL server binaries (initdb, pg_ctl) were ' +
        'found on PATH or under /usr/lib/postgresql/*/bin.\n' +
        '  Install them (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@15),\n' +
        '  or set DATABASE_URL=postgresql://user:password@host:5432/switchyard to use a server you have.',
    );
  }
  const { prefix, ids } = postgresRunner();
  let { pgDir } = pgPaths(dataDir);
  const prepare = (dir) => {
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(path.dirname(dir), { recursive: true }); // parents keep the default mode
      fs.mkdirSync(dir, { mode: 0o700 });
      fs.chmodSync(dir, 0o700);
      if (ids) fs.chownSync(dir, ids.uid, ids.gid);
    }
    return postgresCanUse(prefix, dir);
  };
  if (!prepare(pgDir)) {
    // e.g. a checkout under /root: the postgres user cannot reach it. Keep the cluster in /tmp.
    try {
      if (fs.readdirSync(pgDir).length === 0) fs.rmdirSync(pgDir);
    } catch {}
    const hash = crypto.createHash('sha1').update(repoRoot).digest('hex').slice(0, 10);
    const tmpData = path.join(os.tmpdir(), `switchyard-${hash}`);
    fs.mkdirSync(tmpData, { recursive: true });
    fs.chmodSync(tmpData, 0o755);
    warn(`user postgres cannot reach ${relative(pgDir)}; keeping the local cluster in ${tmpData} instead.`);
    pgDir = path.join(tmpData, 'postgres');
    if (!prepare(pgDir)) throw new UserFacingError(`user postgres cannot write to ${pgDir}.`);
  }
  const logFile = path.join(pgDir, 'server.log');

  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) {
    if (fs.existsSync(pgDir) && fs.readdirSync(pgDir).length > 0) {
      throw new UserFacingError(`${pgDir} exists but is not a Postgres data directory: remove it and retry.`);
    }
    log(`Postgres: initialising a project-local cluster in ${relative(pgDir)} (${bins.initdb})`);
    const init = runCapture(prefix, bins.initdb, [
      '-D',
      pgDir,
      '--auth=trust',
      '-U',
      'postgres',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    if (!init.ok) {
      throw new UserFacingError(`initdb failed:\n${init.output}`);
    }
  }

  const socketDir = socketDirFor(pgDir, port);
  log(`Postgres: starting a project-local server on 127.0.0.1:${port} (data in ${relative(pgDir)})`);
  const start = runCapture(
    prefix,
    bins.pgCtl,
    [
      '-D',
      pgDir,
      '-l',
      logFile,
      '-o',
      `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1`,
      '-w',
      '-t',
      '60',
      'start',
    ],
    { timeoutMs: 90_000 },
  );
  if (!start.ok) {
    throw new UserFacingError(
      `pg_ctl start failed:\n${start.output}\n--- last lines of ${logFile} ---\n${tail(logFile)}`,
    );
  }
  if (!(await probePostgres({ port, timeoutMs: 5000 }))) {
    throw new UserFacingError(`Postgres started but does not answer on 127.0.0.1:${port}; see ${logFile}.`);
  }
  const stop = async () => {
    log(`Postgres: stopping the project-local server on port ${port}`);
    const result = runCapture(prefix, bins.pgCtl, ['-D', pgDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    if (!result.ok) warn(`pg_ctl stop failed:\n${result.output}`);
  };
  return { url, started: { service: 'postgres', url, port, dataDir: pgDir, stop } };
}

// ---------------------------------------------------------------------------------------------
// Project-local Redis
// ---------------------------------------------------------------------------------------------

function readPid(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function killPid(pid, { timeoutMs = 10_000 } = {}) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

async function startLocalRedis({ dataDir, port }) {
  const url = `redis://127.0.0.1:${port}`;
  if (await probeRedis({ port })) {
    log(`Redis: reusing the project-local server already answering on 127.0.0.1:${port}.`);
    return { url, started: null };
  }
  const redisServer = which('redis-server', ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/opt/homebrew/bin']);
  if (!redisServer) {
    throw new UserFacingError(
      'Redis does not answer on 127.0.0.1:6379 and redis-server was not found.\n' +
        '  Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis),\n' +
        '  or set REDIS_URL=redis://host:6379 to use a server you have.',
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const pidFile = path.join(dataDir, 'redis.pid');
  const logFile = path.join(dataDir, 'redis.log');
  log(`Redis: starting a project-local server on 127.0.0.1:${port} (${redisServer}, log in ${relative(logFile)})`);
  const result = spawnSync(
    redisServer,
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--maxmemory-policy', 'noeviction',
      '--daemonize', 'yes',
      '--pidfile', pidFile,
      '--dir', dataDir,
      '--logfile', logFile,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
  );
  if (result.error || result.status !== 0) {
    throw new UserFacingError(
      `redis-server failed to start: ${result.error?.message ?? `exit ${result.status}`}\n` +
        `${result.stdout ?? ''}${result.stderr ?? ''}\n${tail(logFile)}`,
    );
  }
  const deadline = Date.now() + 10_000;
  while (!(await probeRedis({ port }))) {
    if (Date.now() > deadline) {
      throw new UserFacingError(`Redis was started but does not answer on 127.0.0.1:${port}:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  const stop = async () => {
    log(`Redis: stopping the project-local server on port ${port}`);
    const pid = readPid(pidFile);
    if (pid) await killPid(pid);
    else warn(`no pid in ${pidFile}; Redis on port ${port} may still be running.`);
  };
  return { url, started: { service: 'redis', url, port, dataDir, stop } };
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Decides which Postgres and Redis to use.
 *
 * - databaseUrl / redisUrl (default: DATABASE_URL / REDIS_URL) win when set.
 * - else the usual local servers (127.0.0.1:5432 as user postgres, 127.0.0.1:6379) when they answer,
 * - else project-local servers under dataDir, started from installed binaries.
 *
 * `database` names the database in URLs built here (the default servers and project-local ones).
 * Returns { databaseUrl, redisUrl, sources, started, stop() }; stop() stops only what was started.
 */
export async function resolveServices({
  dataDir = defaultDataDir,
  databaseUrl = process.env.DATABASE_URL,
  redisUrl = process.env.REDIS_URL,
  database = 'switchyard',
} = {}) {
  const started = [];
  const sources = {};
  const stop = async () => {
    while (started.length) {
      const service = started.pop();
      try {
        await service.stop();
      } catch (error) {
        warn(`stopping ${service.service} failed: ${error.message}`);
      }
    }
  };

  try {
    if (databaseUrl) {
      sources.database = 'environment';
    } else {
      const probePort = envPort('SWITCHYARD_PG_PROBE_PORT', 5432);
      if (await probePostgres({ port: probePort })) {
        databaseUrl = `postgresql://postgres@127.0.0.1:${probePort}/${database}`;
        sources.database = `local server on 127.0.0.1:${probePort}`;
      } else {
        log(`Postgres does not answer on 127.0.0.1:${probePort} and DATABASE_URL is not set.`);
        const local = await startLocalPostgres({
          dataDir,
          port: envPort('SWITCHYARD_LOCAL_PG_PORT', 54329),
          database,
        });
        databaseUrl = local.url;
        sources.database = local.started ? 'project-local server (started)' : 'project-local server (reused)';
        if (local.started) started.push(local.started);
      }
    }

    if (redisUrl) {
      sources.redis = 'environment';
    } else {
      const probePort = envPort('SWITCHYARD_REDIS_PROBE_PORT', 6379);
      if (await probeRedis({ port: probePort })) {
        redisUrl = `redis://127.0.0.1:${probePort}`;
        sources.redis = `local server on 127.0.0.1:${probePort}`;
      } else {
        log(`Redis does not answer on 127.0.0.1:${probePort} and REDIS_URL is not set.`);
        const local = await startLocalRedis({ dataDir, port: envPort('SWITCHYARD_LOCAL_REDIS_PORT', 63799) });
        redisUrl = local.url;
        sources.redis = local.started ? 'project-local server (started)' : 'project-local server (reused)';
        if (local.started) started.push(local.started);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return { databaseUrl, redisUrl, sources, started, stop };
}

/** Creates the database named in databaseUrl when it does not exist yet. Returns true if created. */
export async function ensureDatabase(databaseUrl) {
  const pg = await loadPg();
  let target;
  try {
    target = new URL(databaseUrl);
  } catch {
    throw new UserFacingError(`DATABASE_URL is not a valid URL: ${redactUrl(databaseUrl)}`);
  }
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return false;

  const tryConnect = async (connectionString) => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
    client.on('error', () => {});
    await client.connect();
    return client;
  };

  try {
    const client = await tryConnect(databaseUrl);
    await client.end();
    return false; // exists and is reachable
  } catch (error) {
    if (error.code !== '3D000') {
      throw new UserFacingError(`cannot connect to ${redactUrl(databaseUrl)}: ${error.message}`);
    }
  }

  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  let client;
  try {
    client = await tryConnect(admin.toString());
  } catch (error) {
    throw new UserFacingError(
      `database "${name}" does not exist and ${redactUrl(admin.toString())} is not reachable to create it: ${error.message}`,
    );
  }
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier?.(name) ?? `"${name.replace(/"/g, '""')}"`}`);
    log(`created database "${name}"`);
    return true;
  } catch (error) {
    if (error.code === '42P04') return false; // created concurrently
    throw new UserFacingError(`cannot create database "${name}": ${error.message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** `npx prisma migrate deploy` against databaseUrl, output inherited; rejects when it fails. */
export function migrate(databaseUrl, { root = repoRoot } = {}) {
  log(`applying migrations to ${redactUrl(databaseUrl)}: npx prisma migrate deploy`);
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['prisma', 'migrate', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: 'inherit',
      shell: isWindows,
    });
    child.on('error', (error) => reject(new UserFacingError(`npx prisma migrate deploy could not run: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new UserFacingError(`prisma migrate deploy failed (${signal ? `signal ${signal}` : `exit code ${code}`}).`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// CLI: status / stop
// ---------------------------------------------------------------------------------------------

async function stopLeftovers(dataDir) {
  let stopped = 0;
  const pidFile = path.join(dataDir, 'redis.pid');
  const pid = readPid(pidFile);
  if (pid && isAlive(pid)) {
    log(`stopping project-local Redis (pid ${pid})`);
    await killPid(pid);
    stopped++;
  }
  const hash = crypto.createHash('sha1').update(repoRoot).digest('hex').slice(0, 10);
  for (const pgDir of [pgPaths(dataDir).pgDir, path.join(os.tmpdir(), `switchyard-${hash}`, 'postgres')]) {
    if (!fs.existsSync(path.join(pgDir, 'postmaster.pid'))) continue;
    const bins = findPostgresBinaries();
    if (!bins) continue;
    const { prefix } = postgresRunner();
    log(`stopping project-local Postgres (${pgDir})`);
    const result = runCapture(prefix, bins.pgCtl, ['-D', pgDir, '-m', 'fast', '-w', 'stop']);
    if (!result.ok) warn(result.output);
    else stopped++;
  }
  if (!stopped) log('no project-local services were running.');
}

async function cli(argv) {
  const [command] = argv;
  const dataDir = defaultDataDir;
  if (command === 'stop') return stopLeftovers(dataDir);
  if (command === 'status') {
    const pgPort = envPort('SWITCHYARD_PG_PROBE_PORT', 5432);
    const redisPort = envPort('SWITCHYARD_REDIS_PROBE_PORT', 6379);
    const localPg = envPort('SWITCHYARD_LOCAL_PG_PORT', 54329);
    const localRedis = envPort('SWITCHYARD_LOCAL_REDIS_PORT', 63799);
    const rows = [
      [`Postgres 127.0.0.1:${pgPort}`, await probePostgres({ port: pgPort })],
      [`Redis    127.0.0.1:${redisPort}`, await probeRedis({ port: redisPort })],
      [`Postgres 127.0.0.1:${localPg} (project-local)`, await probePostgres({ port: localPg })],
      [`Redis    127.0.0.1:${localRedis} (project-local)`, await probeRedis({ port: localRedis })],
    ];
    for (const [what, ok] of rows) log(`${what}: ${ok ? 'answers' : 'no answer'}`);
    return;
  }
  process.stderr.write('usage: node scripts/local-services.mjs status|stop\n');
  process.exitCode = 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli(process.argv.slice(2)).catch((error) => {
    process.exitCode = reportError(error);
  });
}
