// Administrator journey: sign-in with the second factor, create a unit and a user (a unit head),
// disable and enable them, switch language (French and back to Arabic) without losing what was
// typed, audit log; then the new unit head signs in and must enrol an authenticator first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, BASE, freshTotp, launch, signIn, tr, withScreenshot } from './harness.mjs';

describe('administrator', () => {
  let browser;
  let page;
  const stamp = Date.now().toString(36);
  const unitName = `Centre d'écoute E2E ${stamp}`;
  const username = `e2e.${stamp}`;
  const displayName = `Cheffe E2E ${stamp}`;
  const password = `E2e-initial-${stamp}-Passw0rd!`;

  before(async () => {
    browser = await launch();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
  });

  test('signs in with password and TOTP code', async () => {
    await withScreenshot(page, 'admin-sign-in', async () => {
      await page.goto(`${BASE}/`);
      await page.waitForURL(/\/signin\?next=/);
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      assert.equal(await page.getAttribute('html', 'lang'), 'ar');
      await signIn(page, admin);
      assert.equal(new URL(page.url()).pathname, '/');
      await page.locator('header .user-name').waitFor();
      await page.locator('nav.main-nav a[href="/admin"]').waitFor();
      await page.getByTestId('memberships').waitFor();
    });
  });

  test('creates a unit', async () => {
    await withScreenshot(page, 'admin-create-unit', async () => {
      await page.locator('nav.main-nav a[href="/admin"]').click();
      await page.waitForURL(/\/admin\/units/);
      await page.getByTestId('new-unit').click();
      await page.waitForURL(/\/admin\/units\/new$/);
      const form = page.getByTestId('unit-form');
      await form.waitFor();

      // Client-side checks first: nothing filled → errors tied to the fields.
      await form.locator('button[type="submit"]').click();
      const name = form.locator('[name="name"]');
      assert.equal(await name.getAttribute('aria-invalid'), 'true');
      await form.locator('.form-status').filter({ hasText: tr('ar', 'error.fixFields') }).waitFor();

      await name.fill(unitName);
      await form.locator('[name="sector"]').selectOption('ngo_listening');
      await form.locator('[name="region_code"]').selectOption('3');
      await form.locator('[name="province_code"]').selectOption('03.01');
      await form.locator('[name="phone"]').fill('0522 00 00 00');
      await form.locator('[name="address"]').fill('Rue (fictive) 1, Fès');
      await form.locator('button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname === '/admin/units');
      const row = page.getByTestId('units-table').locator('tr', { has: page.getByRole('cell', { name: unitName, exact: true }) });
      await row.waitFor();

      // Edit it: the form comes back filled in; the change is saved.
      await row.locator('a').click();
      await page.waitForURL(/\/admin\/units\/[^/]+$/);
      const edit = page.getByTestId('unit-form');
      assert.equal(await edit.locator('[name="name"]').inputValue(), unitName);
      await edit.locator('[name="address"]').fill('Rue (fictive) 2, Fès');
      await edit.locator('button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname === '/admin/units');
      await page.locator('.notice').getByText(unitName).waitFor();
    });
  });

  test('creates a user with a membership, disables and enables them', async () => {
    await withScreenshot(page, 'admin-create-user', async () => {
      await page.locator('.sub-nav a[href="/admin/users"]').click();
      await page.waitForURL(/\/admin\/users/);
      await page.getByTestId('new-user').click();
      const form = page.getByTestId('user-form');
      await form.waitFor();
      await form.locator('[name="username"]').fill(username);
      await form.locator('[name="display_name"]').fill(displayName);
      await form.locator('[name="password"]').fill(password);
      await form.locator('[name="memberships[0].unit_id"]').selectOption({ label: unitName });
      await form.locator('[name="memberships[0].role"]').selectOption('unit_head');
      await form.locator('button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname === '/admin/users');

      const row = page.locator(`tr[data-username="${username}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(unitName.replace(/[.*+?^${}()|[\]\\']/g, '.')));
      await row.getByTestId('disable-user').click();
      await row.getByTestId('enable-user').waitFor();
      await row.getByText(tr('ar', 'status.disabled')).waitFor();
      await row.getByTestId('enable-user').click();
      await row.getByTestId('disable-user').waitFor();
      await row.getByText(tr('ar', 'status.active')).waitFor();
    });
  });

  test('switches to French and back to Arabic, keeping the page and what was typed', async () => {
    await withScreenshot(page, 'admin-language', async () => {
      await page.goto(`${BASE}/admin/units/new`);
      const form = page.getByTestId('unit-form');
      await form.waitFor();
      const name = form.locator('[name="name"]');
      await name.fill('Brouillon');
      await form.locator('[name="sector"]').selectOption('health');
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');

      await page.locator('button[data-locale="fr"]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'fr');
      assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
      assert.equal(await page.locator('h1').innerText(), tr('fr', 'admin.units.new'));
      assert.equal(await page.locator('button[data-locale="fr"]').getAttribute('aria-pressed'), 'true');
      assert.equal(new URL(page.url()).pathname, '/admin/units/new');
      assert.equal(await name.inputValue(), 'Brouillon');
      assert.equal(await form.locator('[name="sector"]').inputValue(), 'health');

      await page.locator('button[data-locale="ar"]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'ar');
      assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
      assert.equal(await page.locator('h1').innerText(), tr('ar', 'admin.units.new'));
      assert.equal(await name.inputValue(), 'Brouillon');
    });
  });

  test('shows the audit log and verifies the chain', async () => {
    await withScreenshot(page, 'admin-audit', async () => {
      await page.goto(`${BASE}/admin/audit`);
      await page.getByTestId('audit-table').waitFor();
      assert.ok((await page.getByTestId('audit-table').locator('tbody tr').count()) > 0);
      await page.getByTestId('verify-chain').click();
      await page.getByTestId('verify-result').locator('.ok').waitFor();
    });
  });

  test('signs out', async () => {
    await withScreenshot(page, 'admin-sign-out', async () => {
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/signin/);
      await page.goto(`${BASE}/admin/units`);
      await page.waitForURL(/\/signin\?next=/);
    });
  });

  test('the new unit head must enrol a second factor at first sign-in', async () => {
    await withScreenshot(page, 'unit-head-enrol', async () => {
      await signIn(page, { username, password });
      await page.waitForURL(/\/enrol-totp$/);
      // Nothing else is reachable before enrolment.
      await page.goto(`${BASE}/admin`);
      await page.waitForURL(/\/enrol-totp$/);
      // (Each visit asks the server for a new secret: read the one shown now.)
      const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      assert.match(await page.getByTestId('totp-uri').innerText(), /^otpauth:\/\/totp\//);
      const code = page.locator('input[name="code"]');
      await code.fill(await freshTotp(secret));
      await page.locator('form button[type="submit"]').click();
      await page.waitForURL((u) => u.pathname === '/');
      await page.getByTestId('memberships').getByText(unitName).waitFor();
    });
  });
});
