import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { freshPublicPage } from '../../test/public';
import { showPublic } from '../../frame';
import { tr } from '../../i18n';
import { apiError, scriptFetch, settle } from '../../test/fetch';
import ar from '../../i18n/ar.json';
import { reportForm, reportReceipt, type SelfReportReceipt } from './report';

beforeEach(freshPublicPage);
afterEach(() => vi.unstubAllGlobals());

const regions = [{ code: 3, name_fr: 'Fès-Meknès', name_ar: 'فاس مكناس', provinces: [{ code: '331', name_fr: 'Fès', name_ar: 'فاس', kind: 'prefecture' }] }];
const receipt: SelfReportReceipt = { reference_code: 'TMK-7K3F-9QXD-M2PA', followup_code: 'K7M2Q-9XDP4-ABCDE-FGHJ5', issued_at: '2026-11-23T10:00:00Z', unit: { name: 'Parquet de Fès', sector: 'prosecution', phone: '0535000000' } };

function render() {
  const done = vi.fn();
  showPublic(reportForm(regions, done), tr('public.report.title'));
  const q = (sel: string) => document.querySelector<HTMLInputElement>(sel)!;
  const submit = async () => {
    q('[data-testid="report-form"]').dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
  };
  return { q, submit, done };
}

describe('self-report', () => {
  it('asks for what happened, sends only what she gave, and stores nothing', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    const { q, submit, done } = render();
    expect(document.querySelector('button, a[href]')?.getAttribute('data-testid')).toBe('quick-exit');
    q('[name="incident.date"]').value = '2026-11-20';
    q('[name="incident.province_code"]').value = '331';
    const calls = scriptFetch({ status: 201, body: receipt });
    await submit();
    expect(calls).toHaveLength(0); // no form of violence chosen yet
    expect(document.getElementById('forms-error')?.textContent).toBe(ar['public.report.pickOne']);
    q('#form-physical').checked = true;
    q('#filled_by-ngo').checked = true;
    q('#risk-threatened_to_kill-yes').checked = true;
    await submit();
    expect(calls[0]).toMatchObject({
      path: '/api/v1/public/self-report',
      body: {
        filled_by: 'ngo',
        incident: { date: '2026-11-20', province_code: '331', place_type: 'home', forms: ['physical'], perpetrators: [{ relationship: 'husband' }] },
        risk: { answers: { threatened_to_kill: 'yes' } },
      },
    });
    expect((calls[0]?.body as Record<string, unknown>).survivor).toBeUndefined(); // she may stay anonymous
    expect(done).toHaveBeenCalledWith(receipt);
    expect(setItem).not.toHaveBeenCalled();
  });

  it('says what to do when no unit receives reports for the province', async () => {
    const { q, submit } = render();
    q('[name="incident.date"]').value = '2026-11-20';
    q('[name="incident.province_code"]').value = '331';
    q('#form-economic').checked = true;
    scriptFetch(apiError(409, 'failed_precondition', 'no unit'));
    await submit();
    expect(document.querySelector('.form-status')?.textContent).toBe(ar['public.report.noUnit']);
  });

  it('shows both codes once on her receipt', () => {
    const el = reportReceipt(receipt);
    expect(el.querySelector('[data-testid="report-followup"]')?.textContent).toBe('K7M2Q-9XDP4-ABCDE-FGHJ5');
    expect(el.querySelector('[data-testid="report-reference"]')?.textContent).toBe('TMK-7K3F-9QXD-M2PA');
    expect(el.textContent).toContain('Parquet de Fès');
  });
});
