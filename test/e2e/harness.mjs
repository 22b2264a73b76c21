// Shared helpers of the browser tests: the browser (Debian's chromium through playwright-core,
// no browser download), demo accounts, TOTP codes, translations, and screenshots on failure.
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
// playwright-core is a dev dependency of web/.
const require = createRequire(join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');

export const BASE = process.env.TAMKINE_URL ?? '';
if (!BASE) throw new Error('TAMKINE_URL is not set: run the tests through test/e2e/run.mjs');

/** The neutral page quick exit goes to; answered locally by a route (there is no internet). */
export const NEUTRAL = /^https:\/\/www\.google\.com\//;

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh browser profile; close() removes it. */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'tamkine-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  // No request may leave the machine: the neutral page is served here.
  await context.route(NEUTRAL, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>weather</title><p>Weather</p>' }),
  );
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `fn(page)`; on failure saves test/e2e/artifacts/<name>.png and rethrows. Failing tests
 * leave a picture of what the browser showed.
 */
export async function withScreenshot(page, name, fn) {
  try {
    await fn();
  } catch (e) {
    const dir = join(here, 'artifacts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
      console.error(`screenshot: ${file}`);
    } catch {
      // the page may be gone
    }
    throw e;
  }
}

// ---- translations (the tests look for the words a person sees) ----
const dicts = {};
export function tr(locale, key) {
  dicts[locale] ??= JSON.parse(readFileSync(join(repo, `web/src/i18n/${locale}.json`), 'utf8'));
  const s = dicts[locale][key] ?? dicts.ar?.[key];
  if (s === undefined) throw new Error(`no translation ${locale}:${key}`);
  return s;
}

// ---- demo accounts (docs/DEMO.md; environment variables override) ----
const DEMO_PASSWORD = 'Tamkine-Demo-2026';

function demoAdminSecret() {
  if (process.env.TAMKINE_DEMO_ADMIN_TOTP_SECRET) return process.env.TAMKINE_DEMO_ADMIN_TOTP_SECRET;
  const file = join(repo, 'docs/DEMO.md');
  if (!existsSync(file)) throw new Error('docs/DEMO.md not found and TAMKINE_DEMO_ADMIN_TOTP_SECRET not set');
  const user = process.env.TAMKINE_DEMO_ADMIN_USER ?? 'admin';
  const word = new RegExp(`(^|[^a-z0-9._-])${user.replace(/[.]/g, '\\.')}([^a-z0-9._-]|$)`, 'i');
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /TOTP secret:\s*`?([A-Z2-7]{16,})/i.exec(line);
    if (m && word.test(line)) return m[1].toUpperCase();
  }
  throw new Error(`no "TOTP secret: …" for ${user} in docs/DEMO.md`);
}

export const admin = {
  get username() {
    return process.env.TAMKINE_DEMO_ADMIN_USER ?? 'admin';
  },
  get password() {
    return process.env.TAMKINE_DEMO_ADMIN_PASSWORD ?? DEMO_PASSWORD;
  },
  get secret() {
    return demoAdminSecret();
  },
};

export const staff = {
  username: process.env.TAMKINE_DEMO_USER ?? 'police.officer',
  password: process.env.TAMKINE_DEMO_PASSWORD ?? DEMO_PASSWORD,
};

// ---- TOTP (RFC 6238: HMAC-SHA1, 30 s, 6 digits) ----
function base32(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new Error(`not base32: ${c}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totp(secret, timeMs = Date.now()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30_000)));
  const mac = createHmac('sha1', base32(secret)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** A code with at least 5 s of validity left (waits for the next window if needed). */
export async function freshTotp(secret) {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 5_000) await new Promise((r) => setTimeout(r, left + 200));
  return totp(secret);
}

// ---- common steps ----

/** Signs in through the form; with `secret`, answers the second-factor step. */
export async function signIn(page, { username, password, secret }) {
  await page.goto(`${BASE}/signin`);
  const form = page.getByTestId('signin-form');
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  if (secret) {
    const code = form.locator('input[name="totp_code"]');
    await code.waitFor({ state: 'visible' });
    await code.fill(await freshTotp(secret));
    await form.locator('button[type="submit"]').click();
    // A code is accepted once: when another spec file (another process) signed in as the same
    // user within this 30 s window, the server refuses it as a replay; answer with the next one.
    const signedIn = await page
      .waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 5_000 })
      .then(() => true, () => false);
    if (signedIn) return;
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 200));
    await code.fill(totp(secret));
    await form.locator('button[type="submit"]').click();
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
}
