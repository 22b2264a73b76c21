// The case file's main flow, as a police officer of the demo province: an intake in five steps,
// her receipt, the case page (full identity on request, a document uploaded, a consent recorded
// and revoked, a status change, the access log), then the survivor's public status page with the
// follow-up code from the receipt.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, signIn, staff, tr, withScreenshot } from './harness.mjs';

/** A tiny valid PDF (the server decides the type by its first bytes). */
const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 100 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const isoDay = (daysAgo) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

describe('case file', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('intake, receipt, case page, then the status page with her code', async () => {
    const page = await browser.context.newPage();
    await withScreenshot(page, 'cases-main-flow', async () => {
      await signIn(page, staff);
      await page.locator('nav.main-nav a[href="/cases"]').click();
      await page.getByTestId('cases-table').waitFor();
      // Names are masked in the list.
      const firstName = await page.locator('[data-testid="cases-table"] tbody tr td:nth-child(2)').first().innerText();
      assert.match(firstName, /\*|—|/);

      // ---- intake ----
      await page.getByTestId('new-intake').click();
      const form = page.getByTestId('intake-form');
      await form.waitFor();
      await page.selectOption('[name="intake.channel"]', 'in_person');
      await page.getByTestId('intake-next').click();
      await page.locator('[name="survivor.names[0]"]').fill('خديجة التجريبية');
      await page.getByTestId('add-name').click();
      await page.locator('[name="survivor.names[1]"]').fill('Khadija Ettajribia');
      await page.locator('[name="survivor.birth_date"]').fill('1991-04');
      await page.locator('[name="survivor.phones[0]"]').fill('06 11 22 33 44');
      await page.locator('[name="survivor.languages.tachelhit"]').check();
      await page.locator('[name="survivor.needs_translator"]').check();
      await page.getByTestId('intake-next').click();
      await page.locator('[name="incidents[0].date"]').fill(isoDay(2));
      await page.selectOption('[name="incidents[0].place_type"]', 'home');
      await page.locator('[name="incidents[0].forms.physical"]').check();
      await page.selectOption('[name="incidents[0].perpetrators[0].relationship"]', 'husband');
      await page.getByTestId('intake-next').click();
      await page.selectOption('[name="risk.answers.threatened_to_kill"]', 'yes');
      await page.getByTestId('intake-next').click();
      await page.getByTestId('add-consent').click();
      const health = await page.locator('[name="consents[0].unit_id"] option', { hasText: 'Hôpital' }).first().getAttribute('value');
      await page.selectOption('[name="consents[0].unit_id"]', health);
      await page.locator('[name="consents[0].purposes.medical_care"]').check();
      await form.locator('button[type="submit"]').click();

      // ---- receipt ----
      const receipt = page.getByTestId('receipt');
      await receipt.waitFor();
      const reference = (await page.getByTestId('receipt-reference').innerText()).trim();
      const followup = (await page.getByTestId('receipt-followup').innerText()).trim();
      assert.match(reference, /^TMK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      assert.match(followup, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/);

      // ---- the case ----
      await page.getByTestId('receipt-open-case').click();
      await page.getByTestId('case-core').waitFor();
      assert.equal((await page.getByTestId('case-reference').innerText()).trim(), reference);
      assert.equal(await page.getByTestId('case-status').innerText(), tr('ar', 'case.v.case_status.open'));
      // The danger assessment said "threatened to kill": high.
      assert.equal(await page.locator('.case-core .risk').innerText(), tr('ar', 'case.v.risk_level.high'));
      // Full identity only on request.
      assert.equal(await page.getByText('Khadija Ettajribia').count(), 0);
      await page.getByTestId('show-identity').click();
      await page.getByText('Khadija Ettajribia').waitFor();

      // Documents: upload a complaint with its PDF.
      await page.locator('a[data-tab="documents"]').click();
      const docForm = page.getByTestId('document-form');
      await docForm.waitFor();
      await page.selectOption('[data-testid="document-form"] [name="type"]', 'complaint');
      await page.locator('[name="metadata.filed_on"]').fill(isoDay(1));
      await page.selectOption('[name="metadata.route"]', 'in_person');
      await page.locator('[data-testid="document-form"] input[type="file"]').setInputFiles({ name: 'plainte.pdf', mimeType: 'application/pdf', buffer: PDF });
      await docForm.locator('button[type="submit"]').click();
      const doc = page.locator('[data-testid="document"][data-type="complaint"]').first();
      await doc.waitFor();
      await doc.locator('summary').click();
      const download = doc.locator('[data-testid="doc-version"] a').first();
      await download.waitFor();
      const href = await download.getAttribute('href');
      const res = await page.request.get(`${BASE}${href}`);
      assert.equal(res.status(), 200);
      assert.equal((await res.body()).subarray(0, 5).toString(), '%PDF-');

      // Consents: record one for the prosecution, then revoke it.
      await page.locator('a[data-tab="consents"]').click();
      const consentForm = page.getByTestId('consent-form');
      await consentForm.waitFor();
      const prosecution = await consentForm.locator('[name="unit_id"] option', { hasText: 'Parquet' }).first().getAttribute('value');
      await consentForm.locator('[name="unit_id"]').selectOption(prosecution);
      await consentForm.locator('[name="purposes.investigation_prosecution"]').check();
      await consentForm.locator('button[type="submit"]').click();
      const row = page.locator(`[data-testid="consents"] tr[data-unit="${prosecution}"][data-purpose="investigation_prosecution"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-active'), 'true');
      await row.getByTestId('revoke-consent').click();
      await page.locator(`[data-testid="consents"] tr[data-unit="${prosecution}"][data-active="false"]`).waitFor();

      // Status: the justice track moves to "complaint".
      await page.locator('a[data-tab="status"]').click();
      const move = page.getByTestId('transition-form');
      await move.waitFor();
      await move.locator('[name="to"]').selectOption('justice:complaint');
      await move.locator('button[type="submit"]').click();
      await page.waitForFunction(
        (label) => document.querySelector('[data-testid="track-justice"]')?.textContent === label,
        tr('ar', 'case.v.justice.complaint'),
      );

      // Access log: her identity view is listed; the printable copy for her has no usernames.
      await page.locator('a[data-tab="access"]').click();
      const log = page.getByTestId('access-log');
      await log.waitFor();
      assert.ok((await log.innerText()).includes(tr('ar', 'case.v.action.case.read_identity')));
      assert.ok((await log.innerText()).includes(staff.username));
      await page.evaluate(() => {
        window.print = () => {};
      });
      await page.getByTestId('print-access-log').click();
      const herCopy = page.getByTestId('access-log-survivor');
      await herCopy.waitFor();
      assert.ok(!(await herCopy.innerText()).includes(staff.username));

      // ---- her status page, no account ----
      const pub = await browser.context.newPage();
      await pub.goto(`${BASE}/status`);
      await pub.getByTestId('quick-exit').waitFor();
      await pub.locator('button[data-locale="zgh"]').click();
      await pub.waitForFunction(() => document.documentElement.lang === 'zgh');
      await pub.locator('[name="code"]').fill(followup.toLowerCase());
      await pub.getByTestId('status-form').locator('button[type="submit"]').click();
      const result = pub.locator('[data-testid="status-result"] [data-status]');
      await result.waitFor();
      assert.ok(['received', 'in_progress'].includes(await result.getAttribute('data-status')));
      assert.equal(await pub.locator('[data-testid="status-result"] h2').innerText(), tr('zgh', `public.status.${await result.getAttribute('data-status')}.title`));
      const stored = await pub.evaluate(() => localStorage.length + sessionStorage.length);
      assert.equal(stored, 0);
      await pub.close();

      // ---- a unit without her consent: the case is withheld, never blank ----
      const caseUrl = page.url().replace(/\/access$/, '');
      const other = await launch();
      try {
        const shelter = await other.context.newPage();
        await signIn(shelter, { username: 'shelter.worker', password: staff.password });
        await shelter.goto(caseUrl);
        const notice = shelter.getByTestId('withheld');
        await notice.waitFor();
        assert.equal(await notice.locator('h2').innerText(), tr('ar', 'withheld.title'));
        assert.equal(await shelter.getByTestId('case-core').count(), 0);
        assert.equal(await shelter.getByText(reference).count(), 0);
      } finally {
        await other.close();
      }
    });
    await page.close();
  });

  test('the intake warns that she may already have a case, and attaches to it with her code', async () => {
    const own = await launch(); // a browser of its own: signed in afresh
    const page = await own.context.newPage();
    await withScreenshot(page, 'cases-duplicate', async () => {
      await signIn(page, staff);
      // An existing case of hers: open it, read her reference code and (audited) identity.
      await page.goto(`${BASE}/cases?status=open`);
      await page.getByTestId('cases-table').waitFor();
      await page.locator('[data-testid="cases-table"] tbody tr a').first().click();
      await page.getByTestId('case-core').waitFor();
      const reference = (await page.getByTestId('case-reference').innerText()).trim();
      await page.getByTestId('show-identity').click();
      const name = (await page.locator('[data-testid="identity"] dd ul li').first().innerText()).trim();

      await page.goto(`${BASE}/cases/new`);
      await page.getByTestId('intake-form').waitFor();
      await page.selectOption('[name="intake.channel"]', 'in_person');
      await page.getByTestId('intake-next').click();
      await page.locator('[name="survivor.names[0]"]').fill(name);
      const card = page.getByTestId('duplicate-candidate').filter({ hasText: reference });
      await card.waitFor();
      assert.ok((await card.innerText()).includes(tr('ar', 'dup.field.family_name')));
      await card.getByTestId('duplicate-attach').click();
      const attach = card.getByTestId('attach-form');
      await attach.locator('[name="reference_code"]').fill(reference.toLowerCase().replace(/-/g, ' '));
      await attach.locator('button[type="submit"]').click();
      await page.waitForURL(/\/cases\/[^/]+$/);
      await page.getByTestId('case-core').waitFor();
      assert.equal((await page.getByTestId('case-reference').innerText()).trim(), reference);
      assert.ok((await page.locator('main').innerText()).includes(tr('ar', 'dup.attached')));
    });
    await own.close();
  });

  test('self-report on a small phone, without an account, then its status with the code', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await withScreenshot(page, 'cases-self-report', async () => {
      await page.goto(`${BASE}/report`);
      const form = page.getByTestId('report-form');
      await form.waitFor();
      assert.equal(await page.locator('button, a[href]').first().getAttribute('data-testid'), 'quick-exit');
      await page.locator('#filled_by-ngo').check();
      await page.locator('#form-psychological').check();
      await page.locator('[name="incident.date"]').fill(isoDay(3));
      const fes = await page.locator('[name="incident.province_code"] option', { hasText: 'فاس' }).first().getAttribute('value');
      await page.selectOption('[name="incident.province_code"]', fes);
      await form.locator('button[type="submit"]').click();
      const followup = (await page.getByTestId('report-followup').innerText()).trim();
      assert.match((await page.getByTestId('report-reference').innerText()).trim(), /^TMK-/);
      // Nothing horizontal to scroll on a small phone.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
      await page.goto(`${BASE}/status`);
      await page.locator('[name="code"]').fill(followup);
      await page.getByTestId('status-form').locator('button[type="submit"]').click();
      const result = page.locator('[data-testid="status-result"] [data-status]');
      await result.waitFor();
      assert.equal(await result.getAttribute('data-status'), 'received');
      assert.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0);
    });
    await page.close();
  });
});
