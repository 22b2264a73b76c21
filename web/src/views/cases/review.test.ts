import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLocale } from '../../i18n';
import { scriptFetch, settle } from '../../test/fetch';
import en from '../../i18n/en.json';
import { reviewView, type ReviewItem } from './review';
import { police, signInAsPolice } from './fixtures.test-util';

beforeEach(async () => {
  await setLocale('en');
  signInAsPolice();
});
afterEach(() => vi.unstubAllGlobals());

const ref = (id: string, code: string) => ({ id, reference_code: code, status: 'open', opened_at: '2026-11-01T10:00:00Z', held_by_unit_name: 'Cellule Fès', masked_name: 'F*** E***' });
const item: ReviewItem = {
  id: 'P1',
  status: 'pending',
  decision: 'probable',
  score: 12,
  evidence: [{ field: 'id_number', agreement: 'exact', weight: 9 }],
  case_a: ref('A', 'TMK-AAAA-AAAA-AAAA'),
  case_b: ref('B', 'TMK-BBBB-BBBB-BBBB'),
  detected_at: '2026-11-20T10:00:00Z',
};

function render() {
  const el = reviewView({ path: '/cases/duplicates', params: {}, query: new URLSearchParams(), live: () => true });
  document.body.replaceChildren(el);
  return el;
}

describe('duplicate review queue', () => {
  it("lists the acting unit's pairs with what matched; merges with a reason, and can undo it", async () => {
    const calls = scriptFetch(
      { status: 200, body: { items: [item] } },
      { status: 201, body: { id: 'M1', surviving_case_id: 'A', absorbed_case_id: 'B', merged_at: '2026-11-23T10:00:00Z', unmerged_at: null } },
      { status: 200, body: {} },
    );
    const el = render();
    await settle();
    expect(calls[0]?.path).toBe(`/api/v1/duplicates/review?unit_id=${police.id}`);
    const card = el.querySelector('[data-testid="review-item"]')!;
    expect(card.textContent).toContain(`${en['dup.field.id_number']}: ${en['dup.agreement.exact']}`);
    const form = card.querySelector<HTMLFormElement>('[data-testid="review-form"]')!;
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls).toHaveLength(1); // the reason is required
    form.querySelector('textarea')!.value = 'Same CNIE on both';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls[1]).toMatchObject({ path: '/api/v1/cases/A/merge', body: { absorbed_case_id: 'B', reason: 'Same CNIE on both', acting_unit_id: police.id } });
    const undo = card.querySelector<HTMLFormElement>('[data-testid="unmerge-form"]')!;
    undo.querySelector('textarea')!.value = 'Merged by mistake';
    undo.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls[2]).toMatchObject({ path: '/api/v1/cases/A/unmerge', body: { merge_id: 'M1', reason: 'Merged by mistake', acting_unit_id: police.id } });
    expect(card.textContent).toContain(en['review.undone']);
  });

  it('records "different" so the pair is not proposed again', async () => {
    const calls = scriptFetch({ status: 200, body: { items: [item] } }, { status: 200, body: {} });
    const el = render();
    await settle();
    el.querySelector<HTMLInputElement>('input[value="different"]')!.click();
    const form = el.querySelector<HTMLFormElement>('[data-testid="review-form"]')!;
    form.querySelector('textarea')!.value = 'Different mothers';
    form.dispatchEvent(new Event('submit', { cancelable: true }));
    await settle();
    expect(calls[1]).toMatchObject({ path: '/api/v1/duplicates/decisions', body: { case_a: 'A', case_b: 'B', decision: 'different', reason: 'Different mothers' } });
  });
});
