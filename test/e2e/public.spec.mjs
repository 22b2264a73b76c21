// Survivor-facing pages: four languages including Tamazight, nothing stored in the browser, and
// quick exit (button, or Escape twice) that leaves no way "back" to the page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, tr, withScreenshot } from './harness.mjs';

/** Where the person was before the help page (answered locally, like the neutral page). */
const BEFORE = 'https://www.google.com/before';

describe('public help page', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('explains where to get help, in Tamazight too, storing nothing', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'public-help', async () => {
      await page.goto(`${BASE}/help`);
      assert.equal(await page.locator('h1').innerText(), tr('ar', 'public.help.title'));
      await page.locator('a[href="tel:8350"]').waitFor();
      await page.locator('button[data-locale="zgh"]').click();
      await page.waitForFunction(() => document.documentElement.lang === 'zgh');
      assert.equal(await page.getAttribute('html', 'dir'), 'ltr');
      assert.equal(await page.locator('h1').innerText(), tr('zgh', 'public.help.title'));
      assert.equal(await page.getByTestId('quick-exit').innerText(), tr('zgh', 'public.quickExit'));
      const stored = await page.evaluate(() => ({
        local: localStorage.length,
        session: sessionStorage.length,
        cookie: document.cookie,
      }));
      assert.deepEqual(stored, { local: 0, session: 0, cookie: '' });
      assert.equal((await browser.context.cookies(BASE)).length, 0);
    });
    await page.close();
  });

  test('quick exit replaces the page: going back does not return to it', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'public-quick-exit', async () => {
      // A page before, so that "back" has somewhere to go.
      await page.goto(BEFORE);
      await page.goto(`${BASE}/help`);
      await page.getByTestId('quick-exit').click();
      await page.waitForURL(/search\?q=weather/);
      await page.goBack();
      assert.equal(page.url(), BEFORE, 'back must skip the help page');
    });
    await page.close();
  });

  test('pressing Escape twice also exits', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'public-escape', async () => {
      await page.goto(BEFORE);
      await page.goto(`${BASE}/help`);
      await page.locator('h1').waitFor();
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await page.waitForURL(/search\?q=weather/);
      await page.goBack();
      assert.equal(page.url(), BEFORE, 'back must skip the help page');
    });
    await page.close();
  });
});
