// A signed-in person who is not an administrator opens /admin: they see the "withheld" notice,
// and the navigation offers no Administration entry.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signIn, staff, tr, withScreenshot } from './harness.mjs';

describe('non-administrator', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('sees "you do not have access" on /admin', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'withheld', async () => {
      await signIn(page, staff);
      assert.equal(await page.locator('nav.main-nav a[href="/admin"]').count(), 0);
      await page.goto(`${BASE}/admin`);
      const notice = page.getByTestId('withheld');
      await notice.waitFor();
      assert.equal(await notice.locator('h2').innerText(), tr('ar', 'withheld.title'));
      await page.goto(`${BASE}/admin/users`);
      await page.getByTestId('withheld').waitFor();
    });
  });
});
