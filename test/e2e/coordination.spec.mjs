// Coordination journey (issue 4): the prosecutor opens a demo case the police opened and gives an
// urgent "accompany her to hospital" instruction to that police unit on the case's Instructions
// tab; police.officer finds it in /inbox above every item that is not overdue, with the urgent
// badge, acknowledges it, starts it and completes it with an outcome; the prosecutor then sees it
// done on the case. Two browser profiles: two people signed in at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signIn, staff, withScreenshot } from './harness.mjs';

const prosecutor = { username: 'prosecutor', password: staff.password };

/** The first open case (any page) opened by `unitId` that the signed-in person can read. */
async function findCaseOpenedBy(page, unitId) {
  return page.evaluate(async (unit) => {
    let offset = 0;
    for (;;) {
      const q = new URLSearchParams({ status: 'open', limit: '50' });
      if (offset) q.set('offset', String(offset));
      const r = await fetch(`/api/v1/cases?${q}`);
      if (!r.ok) throw new Error(`cases: ${r.status}`);
      const list = await r.json();
      const hit = list.items.find((c) => c.opened_by.id === unit);
      if (hit) return { id: hit.id, reference: hit.reference_code };
      if (list.next_offset === null || list.next_offset === undefined) return null;
      offset = list.next_offset;
    }
  }, unitId);
}

describe('coordination', () => {
  let forProsecutor;
  let forOfficer;
  before(async () => {
    forProsecutor = await launch();
    forOfficer = await launch();
  });
  after(async () => {
    await forProsecutor?.close();
    await forOfficer?.close();
  });

  test('an urgent instruction goes from the prosecutor to the police and comes back done', async () => {
    const officer = await forOfficer.context.newPage();
    const pros = await forProsecutor.context.newPage();
    let created;
    await withScreenshot(pros, 'coordination-prosecutor', async () => {
      await signIn(officer, staff);
      const me = await officer.evaluate(async () => (await fetch('/api/v1/auth/session')).json());
      const policeUnit = me.user.memberships.find((m) => m.sector === 'police');
      assert.ok(policeUnit, 'police.officer is in a police unit');

      await signIn(pros, prosecutor);
      const found = await findCaseOpenedBy(pros, policeUnit.unit_id);
      assert.ok(found, 'the prosecutor reaches a case the police opened');

      // The prosecutor gives the instruction on the case's Instructions tab.
      await pros.goto(`${BASE}/cases/${found.id}`);
      await pros.locator('a[data-tab="instructions"]').click();
      await pros.waitForURL(/\/instructions$/);
      const form = pros.getByTestId('instruction-form');
      await form.locator('select[name="type"] option[value="accompany_to_hospital"]').waitFor({ state: 'attached' });
      await form.locator('select[name="type"]').selectOption('accompany_to_hospital');
      assert.equal(await form.locator('select[name="priority"]').inputValue(), 'urgent');
      await form.locator('select[name="target_unit_id"]').selectOption(policeUnit.unit_id);
      await form.locator('textarea[name="note"]').fill('She is waiting at the listening centre');
      const answer = pros.waitForResponse((r) => r.url().endsWith(`/api/v1/cases/${found.id}/instructions`) && r.request().method() === 'POST');
      await form.locator('button[type="submit"]').click();
      created = await (await answer).json();
      assert.equal(created.priority, 'urgent');
      await pros.locator(`[data-testid="work-items"] tr[data-id="${created.id}"][data-state="issued"]`).waitFor();
    });

    await withScreenshot(officer, 'coordination-officer', async () => {
      // The police officer: the inbox is the first menu entry.
      await officer.goto(`${BASE}/`);
      const first = officer.locator('nav.main-nav a').first();
      assert.equal(await first.getAttribute('href'), '/inbox');
      await first.click();
      await officer.waitForURL(/\/inbox$/);
      const line = officer.locator(`[data-testid="work-item"][data-id="${created.id}"]`);
      await line.waitFor();
      // On top: only overdue items, and urgent ones due earlier, may come before it.
      const ids = await officer.locator('[data-testid="work-item"]').evaluateAll((els) => els.map((e) => ({ id: e.dataset.id, overdue: e.classList.contains('is-overdue'), priority: e.dataset.priority })));
      const at = ids.findIndex((x) => x.id === created.id);
      assert.ok(ids.slice(0, at).every((x) => x.overdue || x.priority === 'urgent'), 'nothing less pressing comes before the new urgent item');
      assert.ok(ids.slice(at + 1).every((x) => !x.overdue), 'no overdue item comes after it');
      assert.equal(await line.getAttribute('data-priority'), 'urgent');
      assert.ok((await line.getByTestId('priority-badge').innerText()).trim().length > 0, 'the badge has text');
      assert.match(await line.innerText(), new RegExp(created.reference_code));

      await line.locator('button[data-action="acknowledge"]').click();
      await officer.locator(`[data-testid="work-item"][data-id="${created.id}"][data-state="acknowledged"]`).waitFor();
      await officer.locator(`[data-testid="work-item"][data-id="${created.id}"] button[data-action="start"]`).click();
      const started = officer.locator(`[data-testid="work-item"][data-id="${created.id}"][data-state="in_progress"]`);
      await started.waitFor();
      await started.locator('button[data-action="complete"]').click();
      await started.locator('[data-testid="form-complete"] textarea').fill('Accompanied her to the hospital; certificate requested');
      await started.locator('[data-testid="form-complete"] button[type="submit"]').click();
      // Done items leave the inbox.
      await officer.locator(`[data-testid="work-item"][data-id="${created.id}"]`).waitFor({ state: 'detached' });
    });

    await withScreenshot(pros, 'coordination-done', async () => {
      await pros.reload();
      const row = pros.locator(`[data-testid="work-items"] tr[data-id="${created.id}"][data-state="done"]`);
      await row.waitFor();
      // Lists withhold free text; the issuing unit reads the outcome from the item.
      await row.getByTestId('show-text').click();
      assert.match(await row.getByTestId('item-text').innerText(), /certificate requested/);
    });
    await officer.close();
    await pros.close();
  });
});
