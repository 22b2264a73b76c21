// Notifications journey: a staff member chooses to be told of new items by SMS; an administrator
// reads the outbox (state, attempts, last error, masked address) and asks for a test message,
// whose refusal (no address on the demo account) is shown in words.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, BASE, launch, signIn, staff, tr, withScreenshot } from './harness.mjs';

describe('notifications', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('a staff member sets her notification preferences', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'notify-preferences', async () => {
      await signIn(page, staff);
      await page.getByTestId('home-notify').click();
      await page.waitForURL(/\/me\/notifications$/);
      const form = page.getByTestId('notify-prefs');
      await form.locator('input[name="sms"]').check();
      await form.locator('select[name="language"]').selectOption('fr');
      await form.locator('button[type="submit"]').click();
      const said = tr('ar', 'notify.pref.saved').replace('{email}', tr('ar', 'common.no')).replace('{sms}', tr('ar', 'common.yes'));
      await page.getByText(said).waitFor();
      const saved = await page.evaluate(async () => (await fetch('/api/v1/notifications/preferences')).json());
      assert.equal(saved.sms, true);
      assert.equal(saved.language, 'fr');
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/signin/);
    });
    await page.close();
  });

  test('an administrator reads the outbox and asks for a test message', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'notify-outbox', async () => {
      await signIn(page, admin);
      await page.goto(`${BASE}/admin/notifications`);
      await page.getByTestId('notify-state').waitFor();
      await page.getByTestId('notify-state').selectOption('failed');
      await page.getByTestId('notify-test-email').click();
      // The demo administrator has no e-mail address (or e-mail is off): the refusal is said.
      await page.locator('.notice p').first().waitFor();
      await page.getByTestId('sign-out').click();
      await page.waitForURL(/\/signin/);
    });
    await page.close();
  });
});
