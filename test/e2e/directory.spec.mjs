// Directory journey: an administrator publishes a draft service; anyone then finds it on "Where to
// go now" (no account, quick exit present, a shelter's room shown without its address, nothing
// stored); the shelter's social worker admits a woman and a child and records an exit; a police
// officer finds the nearest bed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, BASE, launch, signIn, staff, tr, withScreenshot } from './harness.mjs';

const DEMO_PASSWORD = 'Tamkine-Demo-2026';
const DRAFT = 'Formation et insertion économique (brouillon)';
const SHELTER = "Hébergement d'urgence Dar Al Amane";
const SEFROU = 'Établissement de protection sociale — hébergement';

/** The shelter as the API sees it, read with the page's own session. */
async function shelterState(page) {
  return page.evaluate(async (name) => {
    const r = await fetch('/api/v1/directory/services?service=shelter');
    const { items } = await r.json();
    return items.find((s) => s.name === name).shelter;
  }, SHELTER);
}

describe('directory', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('an administrator publishes a draft service', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'directory-publish', async () => {
      await signIn(page, admin);
      await page.locator('nav.main-nav a[href="/directory"]').click();
      await page.waitForURL(/\/directory$/);
      const row = page.locator(`tr[data-service="${DRAFT}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(tr('ar', 'dir.draft')));
      await row.getByTestId('dir-publish').click();
      await page.locator(`tr[data-service="${DRAFT}"]`, { hasText: tr('ar', 'dir.published') }).waitFor();
      // The Sefrou shelter starts saying publicly whether it has room.
      await page.locator(`tr[data-service="${SEFROU}"]`).getByTestId('dir-room').click();
      await page.locator(`tr[data-service="${SEFROU}"]`).getByText(tr('ar', 'dir.hideRoom')).waitFor();
      // A malformed HSDS file is refused with the path of its first error, and imports nothing.
      await page.locator('details.hsds-import summary').click();
      const form = page.getByTestId('hsds-form');
      await form.locator('input[type="file"]').setInputFiles({
        name: 'bad.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify({ organizations: [{ id: 'new-org' }] })),
      });
      await form.locator('button[type="submit"]').click();
      await form.getByText('organizations[0].name').waitFor();
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/signin/);
    });
    await page.close();
  });

  test('anyone finds where to go, without an account and storing nothing', async () => {
    const fresh = await launch(); // a profile of its own: no cookie of the other tests
    const context = fresh.context;
    const page = await context.newPage();
    await withScreenshot(page, 'directory-where-to-go', async () => {
      await page.goto(`${BASE}/where-to-go`);
      assert.equal(await page.locator('h1').innerText(), tr('ar', 'public.where.title'));
      await page.getByTestId('quick-exit').waitFor();
      await page.locator('[data-testid="where-province"] option[value="03.01"]').waitFor({ state: 'attached' });
      await page.selectOption('[data-testid="where-province"]', '03.01');
      const shelter = page.locator('[data-testid="where-card"]', { hasText: SHELTER });
      await shelter.waitFor();
      assert.equal(await shelter.getByTestId('has-space').innerText(), tr('ar', 'public.where.hasSpace'));
      assert.ok(!(await shelter.innerText()).includes('Adresse confidentielle'));
      await page.locator('[data-testid="where-card"]', { hasText: DRAFT }).waitFor();
      await page.selectOption('[data-testid="where-need"]', 'shelter');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="where-card"]').length === 1);
      await page.selectOption('[data-testid="where-province"]', '03.06');
      await page.locator('[data-testid="where-card"]', { hasText: SEFROU }).getByTestId('has-space').waitFor();
      await page.locator('button[data-locale="zgh"]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'zgh');
      assert.equal(await page.locator('h1').innerText(), tr('zgh', 'public.where.title'));
      const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie }));
      assert.deepEqual(stored, { local: 0, session: 0, cookie: '' });
      assert.equal((await context.cookies(BASE)).length, 0);
      assert.equal(new URL(page.url()).search, '');
    });
    await fresh.close();
  });

  test('the shelter records an admission and an exit; a full admission is refused', async () => {
    const fresh = await launch(); // a profile of its own: no cookie of the other tests
    const context = fresh.context;
    const page = await context.newPage();
    await withScreenshot(page, 'directory-shelter', async () => {
      await signIn(page, { username: 'shelter.worker', password: DEMO_PASSWORD });
      await page.goto(`${BASE}/directory/shelters`);
      const card = page.getByTestId('shelter-card').filter({ hasText: SHELTER });
      await card.waitFor();
      const before = await shelterState(page);
      await card.getByTestId('move-adults').fill('1');
      await card.getByTestId('move-children').fill('1');
      await card.getByTestId('move-admit').click();
      await page.waitForFunction(
        async ([name, n]) => {
          const { items } = await (await fetch('/api/v1/directory/services?service=shelter')).json();
          return items.find((s) => s.name === name).shelter.beds_occupied === n;
        },
        [SHELTER, before.beds_occupied + 1],
      );
      const again = page.getByTestId('shelter-card').filter({ hasText: SHELTER });
      await again.getByTestId('move-adults').fill('50');
      await again.getByTestId('move-children').fill('0');
      await again.getByTestId('move-admit').click();
      await again.locator('[name="adults"][aria-invalid="true"]').waitFor();
      assert.equal((await shelterState(page)).beds_occupied, before.beds_occupied + 1);
      await again.getByTestId('move-adults').fill('1');
      await again.getByTestId('move-children').fill('1');
      await again.getByTestId('move-exit').click();
      await page.waitForFunction(
        async ([name, n]) => {
          const { items } = await (await fetch('/api/v1/directory/services?service=shelter')).json();
          return items.find((s) => s.name === name).shelter.beds_occupied === n;
        },
        [SHELTER, before.beds_occupied],
      );
    });
    await fresh.close();
  });

  test('a police officer finds the nearest bed', async () => {
    const fresh = await launch(); // a profile of its own: no cookie of the other tests
    const context = fresh.context;
    const page = await context.newPage();
    await withScreenshot(page, 'directory-find-bed', async () => {
      await signIn(page, staff);
      await page.locator('nav.main-nav a[href="/directory"]').click();
      await page.locator('a[href="/directory/find-bed"]').click();
      const form = page.getByTestId('bed-form');
      await form.locator('[name="latitude"]').fill('33.83');
      await form.locator('[name="longitude"]').fill('-4.84');
      await form.locator('button[type="submit"]').click();
      const first = page.getByTestId('bed-card').first();
      await first.waitFor();
      assert.match(await first.innerText(), /Sefrou/);
      assert.equal(await page.getByTestId('bed-card').count(), 2);
    });
    await fresh.close();
  });
});
