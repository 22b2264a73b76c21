// The duplicate review queue, as the unit head of the demo police unit: the same woman was opened
// twice (once in Arabic script, once in Latin), the pair waits in the queue with what matched; the
// head confirms "same woman" with a reason (a merge, nothing deleted), then undoes it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signIn, withScreenshot } from './harness.mjs';

const head = {
  username: 'police.head',
  password: process.env.TAMKINE_DEMO_PASSWORD ?? 'Tamkine-Demo-2026',
  secret: 'TAMKINEPOLICEHEADDEMOSECRET23456', // docs/DEMO.md
};

const isoDay = (daysAgo) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Opens a case through the JSON API from the signed-in page (its session and CSRF token). */
async function openCase(page, names, phone) {
  return page.evaluate(
    async ({ names, phone, date }) => {
      const session = await (await fetch('/api/v1/auth/session')).json();
      const unit = session.user.memberships.find((m) => m.role === 'unit_head').unit_id;
      const r = await fetch('/api/v1/cases', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf_token },
        body: JSON.stringify({
          intake: { unit_id: unit, channel: 'in_person' },
          survivor: { names, birth_date: '1987-06-02', phones: [phone] },
          incidents: [{ date, province_code: '03.01', place_type: 'home', forms: ['physical'] }],
        }),
      });
      return { status: r.status, body: await r.json() };
    },
    { names, phone, date: isoDay(5) },
  );
}

describe('duplicate review queue', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('the same woman opened twice is merged from the queue, then the merge is undone', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'cases-review-queue', async () => {
      await signIn(page, head);
      const first = await openCase(page, ['نعيمة الورديغي'], '06 44 55 66 77');
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const second = await openCase(page, ['Naima El Ouardighi'], '+212644556677');
      assert.equal(second.status, 201, JSON.stringify(second.body));
      const codes = [first.body.case.reference_code, second.body.case.reference_code];

      await page.goto(`${BASE}/cases/duplicates`);
      const item = page.locator('[data-testid="review-item"]', { hasText: codes[1] }).filter({ hasText: codes[0] });
      await item.waitFor();
      // What matched is said in words, and the two cases are named by their codes only.
      assert.ok((await item.locator('.dup-evidence li').count()) >= 2);
      assert.ok(!(await item.innerText()).includes('Naima El Ouardighi'));

      await item.locator('input[type="radio"][value="same"]').check();
      await item.locator('[data-testid="review-form"] textarea[name="reason"]').fill('Same phone and birth date; she confirmed at the desk');
      await item.locator('[data-testid="review-form"] button[type="submit"]').click();
      const undo = item.locator('[data-testid="unmerge-form"]');
      await undo.waitFor();

      // One of the two (the queue decides which is kept) now says where it went.
      const read = (id) => page.evaluate(async (id) => (await fetch(`/api/v1/cases/${id}`)).json(), id);
      const ids = [first.body.case.id, second.body.case.id];
      const after = await Promise.all(ids.map(read));
      const absorbed = after.findIndex((c) => c.status === 'merged');
      assert.ok(absorbed >= 0, JSON.stringify(after.map((c) => c.status)));
      assert.equal(after[absorbed].merged_into_case_id, ids[1 - absorbed]);
      assert.notEqual(after[1 - absorbed].status, 'merged');

      await undo.locator('textarea[name="reason"]').fill('Wrong pair, she has a sister with the same phone');
      await undo.locator('button[type="submit"]').click();
      await undo.waitFor({ state: 'detached' });
      for (const c of await Promise.all(ids.map(read))) assert.notEqual(c.status, 'merged');
    });
    await page.close();
  });
});
