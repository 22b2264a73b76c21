#!/usr/bin/env node
// Runs the browser tests against the real server:
//   TAMKINE_BIN=build/debug/src/main/tamkine node test/e2e/run.mjs   (or: cd web && npm run e2e)
// Starts `$TAMKINE_BIN serve --port 0 --data-dir <tmp> --demo --web-dir web/dist`, reads the
// port from its "listening on http://127.0.0.1:PORT" line, runs every test/e2e/*.spec.mjs with
// node's test runner (TAMKINE_URL set for them), then stops the server. With TAMKINE_URL already
// set, uses that server instead of starting one.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const webDist = join(repo, 'web/dist');
const START_TIMEOUT_MS = 30_000;

function fail(msg) {
  console.error(`e2e: ${msg}`);
  process.exit(1);
}

// The server's log is kept (last lines) and shown only when a test fails, or with E2E_VERBOSE=1.
const serverLog = [];
function keep(prefix, chunk) {
  for (const line of String(chunk).split('\n')) {
    if (!line) continue;
    if (process.env.E2E_VERBOSE) console.log(`${prefix} ${line}`);
    serverLog.push(`${prefix} ${line}`);
    if (serverLog.length > 300) serverLog.shift();
  }
}

function startServer(bin) {
  // <tmp>/data is the data directory; <tmp> is the server's working directory, where demo mode
  // writes ./keys (outside the data directory, as the server requires, and not in the work tree).
  const work = mkdtempSync(join(tmpdir(), 'tamkine-e2e-'));
  const dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const args = ['serve', '--port', '0', '--data-dir', dataDir, '--demo', '--web-dir', webDist];
  console.log(`e2e: starting ${bin} ${args.join(' ')}`);
  const child = spawn(bin, args, { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  };
  const url = new Promise((res, rej) => {
    let buf = '';
    let found = false;
    const timer = setTimeout(() => rej(new Error('server did not print its address in time')), START_TIMEOUT_MS);
    child.stdout.on('data', (d) => {
      keep('[server]', d);
      if (found) return;
      buf += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) {
        found = true;
        buf = '';
        clearTimeout(timer);
        console.log(`e2e: server at ${m[1]}`);
        res(m[1]);
      }
    });
    child.stderr.on('data', (d) => keep('[server!]', d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`server exited early with code ${code}`));
    });
  });
  return { url, stop };
}

async function main() {
  if (!existsSync(join(webDist, 'index.html'))) fail('web/dist is missing: run `npm run build` in web/ first');
  if (!existsSync('/usr/bin/chromium') && !process.env.CHROMIUM) fail('chromium not found at /usr/bin/chromium (apt-get install -y chromium)');
  let server = null;
  let base = process.env.TAMKINE_URL;
  if (!base) {
    const bin = process.env.TAMKINE_BIN;
    if (!bin) fail('set TAMKINE_BIN to the tamkine server binary (or TAMKINE_URL to a running server)');
    if (!existsSync(bin)) fail(`TAMKINE_BIN=${bin} does not exist`);
    server = startServer(resolve(bin));
    try {
      base = await server.url;
    } catch (e) {
      server.stop();
      fail(e.message);
    }
  }
  const specs = readdirSync(here)
    .filter((f) => f.endsWith('.spec.mjs'))
    .sort()
    .map((f) => join(here, f));
  const code = await new Promise((res) => {
    // One file at a time: they share the server (and its rate limits).
    const [major, minor] = process.versions.node.split('.').map(Number);
    const hasFlag = major > 20 || (major === 20 && minor >= 10) || (major === 18 && minor >= 19);
    const serial = hasFlag ? ['--test-concurrency=1'] : [];
    const child = spawn(process.execPath, ['--test', ...serial, ...specs], {
      stdio: 'inherit',
      env: { ...process.env, TAMKINE_URL: base },
    });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (c) => res(c ?? 1));
  });
  server?.stop();
  if (code !== 0 && serverLog.length > 0 && !process.env.E2E_VERBOSE) {
    console.error('e2e: last lines of the server log:');
    for (const line of serverLog) console.error(line);
  }
  process.exit(code);
}

main();
