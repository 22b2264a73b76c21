// Statistics journey: a commission member opens the statistics, asks for the region's cases of
// the year by age group, then by province and kind; every count shown is 0, at least the
// threshold, or "x"; the CSV download is in the page's language. A police officer has no entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, signIn, staff, withScreenshot } from './harness.mjs';

const member = { username: 'commission.member', password: 'Tamkine-Demo-2026' };

/** The numbers of the table: each must be 0, at least the threshold, or withheld. */
async function assertProtected(page) {
  const texts = await page.getByTestId('stats-table').locator('td').allInnerTexts();
  assert.ok(texts.length > 0);
  for (const raw of texts) {
    const text = raw.trim();
    if (text.startsWith('x')) continue;
    const n = Number(text.replace(/[^\d]/g, '').replace(/^$/, 'NaN'));
    assert.ok(n === 0 || n >= 5, `published count ${text}`);
  }
}

describe('statistics', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('a commission member reads protected counts and downloads them', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'stats-main-flow', async () => {
      await signIn(page, member);
      await page.locator('nav.main-nav a[href="/stats"]').click();
      await page.waitForURL(/\/stats$/);
      const form = page.getByTestId('stats-form');
      await form.locator('select[name="scope"] option[value="region:3"]').waitFor({ state: 'attached' });
      await form.locator('select[name="scope"]').selectOption('region:3');
      await form.locator('select[name="by"]').selectOption('age_band');
      await form.locator('button[type="submit"]').click();
      await page.getByTestId('stats-table').waitFor();
      await page.locator('svg.stats-chart').waitFor();
      await assertProtected(page);

      await form.locator('select[name="by"]').selectOption('province');
      await form.locator('select[name="by2"]').selectOption('kind');
      await form.locator('button[type="submit"]').click();
      await page.getByTestId('stats-table').locator('thead th', { hasText: /\// }).waitFor();
      await assertProtected(page);

      const href = await page.getByTestId('stats-csv').getAttribute('href');
      assert.match(href, /^\/api\/v1\/stats\/cases\.csv\?/);
      assert.match(href, /lang=ar/); // the staff default language is Arabic
      const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
      assert.match(csv, /فاس مكناس/);
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/signin/);
    });
    await page.close();
  });

  test('a police officer has no statistics entry and the API refuses her', async () => {
    const page = await browser.context.newPage();
    await signIn(page, staff);
    await page.locator('nav.main-nav a[href="/"]').waitFor();
    assert.equal(await page.locator('nav.main-nav a[href="/stats"]').count(), 0);
    const status = await page.evaluate(async () => (await fetch('/api/v1/stats/cases?scope=nation&period=2026')).status);
    assert.equal(status, 403);
    await page.close();
  });
});
