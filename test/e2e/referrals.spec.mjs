// Referrals between units (docs/referrals.md), through the screens: the police officer refers a
// demo case to the shelter with her complaint attached; the shelter's staff member sees it in
// /referrals, opens the case, reads the complaint the police sent and accepts; then a second
// referral is declined with a next step, which the case's path shows. The demo case is found
// through the API (the one the demo's police→shelter referral rests on: her shelter consent and
// a complaint), never by a hard-coded id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signIn, staff, tr, withScreenshot } from './harness.mjs';

const shelterWorker = { username: 'shelter.worker', password: staff.password };

async function getJson(page, path) {
  const res = await page.request.get(`${BASE}${path}`);
  assert.equal(res.status(), 200, `GET ${path}: ${res.status()}`);
  return res.json();
}

/** Refers her through the case's Referrals tab; returns the new referral's id. */
async function referToShelter(page, caseId, shelterId, withComplaint) {
  const before = (await getJson(page, `/api/v1/cases/${caseId}/referrals`)).items.map((r) => r.id);
  await page.goto(`${BASE}/cases/${caseId}/referrals`);
  const form = page.getByTestId('referral-form');
  await form.waitFor();
  await form.locator('[name="service"]').selectOption('shelter');
  await form.locator('[name="to_unit_id"]').selectOption(shelterId);
  await form.locator('[name="priority"]').selectOption('urgent');
  await form.locator('[name="reason"]').fill('Elle ne peut pas rentrer chez elle ce soir.');
  if (withComplaint) {
    await form.locator('input[data-type="complaint"]').first().check();
    await form.locator('[name="documents_agreement"]').selectOption('written');
  }
  await form.locator('button[type="submit"]').click();
  await page.getByText(tr('ar', 'ref.done.create')).waitFor();
  const after = (await getJson(page, `/api/v1/cases/${caseId}/referrals`)).items;
  const added = after.filter((r) => !before.includes(r.id));
  assert.equal(added.length, 1);
  assert.equal(added[0].state, 'proposed');
  await page.locator(`[data-testid="referral"][data-id="${added[0].id}"]`).waitFor();
  return added[0];
}

describe('referrals', () => {
  let police;
  let shelter;
  before(async () => {
    police = await launch();
    shelter = await launch();
  });
  after(async () => {
    await police?.close();
    await shelter?.close();
  });

  test('police refers to the shelter with the complaint; the shelter reads it and accepts; a decline carries a next step', async () => {
    const p = await police.context.newPage();
    const s = await shelter.context.newPage();
    let caseId;
    let shelterId;
    let policeId;
    let first;
    await withScreenshot(p, 'referrals-police-refers', async () => {
      await signIn(p, staff);
      // The demo's police → shelter referral: its case has her shelter consent and a complaint.
      const { items } = await getJson(p, '/api/v1/referrals?box=outgoing');
      const demo = items.find((r) => r.to_unit.sector === 'ngo_shelter' && r.service === 'shelter');
      assert.ok(demo, 'the demo has a police → shelter referral');
      caseId = demo.case_id;
      shelterId = demo.to_unit.id;
      policeId = demo.from_unit.id;
      const docs = await getJson(p, `/api/v1/cases/${caseId}/documents`);
      assert.ok(docs.items.some((d) => d.type === 'complaint'), 'the case has a complaint');

      // Without her consent for the service, the server's 400 shows next to the receiving unit.
      const consents = (await getJson(p, `/api/v1/cases/${caseId}/consents`)).items;
      if (!consents.some((k) => k.active && k.unit.id === shelterId && k.purpose === 'legal_aid')) {
        await p.goto(`${BASE}/cases/${caseId}/referrals`);
        const form = p.getByTestId('referral-form');
        await form.waitFor();
        assert.ok((await form.innerText()).includes(tr('ar', 'ref.consentNeeded')));
        await form.locator('[name="service"]').selectOption('legal_aid');
        await form.locator('[name="to_unit_id"]').selectOption(shelterId);
        await form.locator('button[type="submit"]').click();
        await form.locator('.field.has-error [name="to_unit_id"]').waitFor();
      }

      first = await referToShelter(p, caseId, shelterId, true);
      const item = p.locator(`[data-testid="referral"][data-id="${first.id}"]`);
      assert.equal(await item.locator('[data-testid="referral-documents"] li[data-type="complaint"]').count(), 1);
      assert.equal(await item.locator('[data-action="cancel"]').count(), 1);
      assert.equal(await item.locator('[data-action="accept"]').count(), 0);
    });

    await withScreenshot(s, 'referrals-shelter-accepts', async () => {
      await signIn(s, shelterWorker);
      await s.locator('nav.main-nav a[href="/referrals"]').click();
      const row = s.locator(`[data-testid="referrals-incoming"] tr[data-id="${first.id}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-priority'), 'urgent');
      // Urgent first: no normal line above an urgent one.
      const priorities = await s.locator('[data-testid="referrals-incoming"] tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.priority));
      assert.deepEqual(priorities, [...priorities].sort((a, b) => (a === 'urgent' ? 0 : 1) - (b === 'urgent' ? 0 : 1)));
      // The line shows the reference code, never a name.
      const code = (await row.getByTestId('referral-case').innerText()).trim();
      assert.match(code, /^TMK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

      // Open the case and read the complaint the police sent.
      await row.getByTestId('referral-case').click();
      await s.waitForURL(`**/cases/${caseId}/referrals`);
      await s.locator(`[data-testid="referral"][data-id="${first.id}"]`).waitFor();
      await s.locator('a[data-tab="documents"]').click();
      const complaint = s.locator('[data-testid="document"][data-type="complaint"]').first();
      await complaint.waitFor();
      await complaint.locator('summary').click();
      await complaint.locator('.doc-details').waitFor();

      // Accept it (from the case's Referrals tab).
      await s.locator('a[data-tab="referrals"]').click();
      const item = s.locator(`[data-testid="referral"][data-id="${first.id}"]`);
      await item.locator('[data-action="accept"]').click();
      await s.locator(`[data-testid="referral"][data-id="${first.id}"][data-state="accepted"]`).waitFor();
      assert.equal((await getJson(s, `/api/v1/referrals/${first.id}`)).state, 'accepted');
    });

    let second;
    await withScreenshot(p, 'referrals-police-second', async () => {
      second = await referToShelter(p, caseId, shelterId, false);
    });

    await withScreenshot(s, 'referrals-shelter-declines', async () => {
      await s.goto(`${BASE}/referrals`);
      const row = s.locator(`[data-testid="referrals-incoming"] tr[data-id="${second.id}"]`);
      await row.waitFor();
      await row.locator('[data-action="decline"]').click();
      const form = row.getByTestId('decline-form');
      await form.waitFor();
      await form.locator('[name="reason"]').fill('Plus de place ce soir.');
      await form.locator('[name="next_step"]').selectOption('text');
      await form.locator('[name="next_step.text"]').fill('La cellule de la police la met en lieu sûr et rappelle demain.');
      await form.locator('[name="next_step.holder_unit_id"]').selectOption(policeId);
      await form.locator('button[type="submit"]').click();
      await s.getByText(tr('ar', 'ref.done.decline')).waitFor();
    });

    // Two users at once: the shelter's list still shows a referral the police has just cancelled.
    let third;
    await withScreenshot(p, 'referrals-police-third', async () => {
      third = await referToShelter(p, caseId, shelterId, false);
    });
    await withScreenshot(s, 'referrals-shelter-sees-third', async () => {
      await s.goto(`${BASE}/referrals`);
      await s.locator(`[data-testid="referrals-incoming"] tr[data-id="${third.id}"]`).waitFor();
    });
    await withScreenshot(p, 'referrals-police-cancels', async () => {
      const item = p.locator(`[data-testid="referral"][data-id="${third.id}"]`);
      await item.locator('[data-action="cancel"]').click();
      await p.locator(`[data-testid="referral"][data-id="${third.id}"][data-state="cancelled"]`).waitFor();
    });
    await withScreenshot(s, 'referrals-shelter-conflict', async () => {
      await s.locator(`[data-testid="referrals-incoming"] tr[data-id="${third.id}"] [data-action="accept"]`).click();
      await s.getByTestId('referral-conflict').waitFor();
      assert.equal(await s.getByTestId('referral-conflict').innerText(), tr('ar', 'ref.conflict'));
      // Reloaded: a cancelled referral is no longer waiting for an answer.
      await s.locator(`[data-testid="referrals-incoming"] tr[data-id="${third.id}"]`).waitFor({ state: 'detached' });
      assert.equal((await getJson(s, `/api/v1/referrals/${third.id}`)).state, 'cancelled');
    });

    await withScreenshot(p, 'referrals-police-sees-path', async () => {
      await p.goto(`${BASE}/cases/${caseId}/referrals`);
      const item = p.locator(`[data-testid="referral"][data-id="${second.id}"][data-state="declined"]`);
      await item.waitFor();
      assert.ok((await item.getByTestId('next-step').innerText()).includes('La cellule de la police la met en lieu sûr'));
      assert.ok((await item.getByTestId('decision-note').innerText()).includes('Plus de place ce soir.'));
      // The path is oldest first: the first referral comes before the second.
      const ids = await p.locator('[data-testid="referral"]').evaluateAll((els) => els.map((e) => e.dataset.id));
      assert.ok(ids.indexOf(first.id) < ids.indexOf(second.id));
      assert.equal(await p.locator(`[data-testid="referral"][data-id="${first.id}"][data-state="accepted"]`).count(), 1);
    });
  });
});
