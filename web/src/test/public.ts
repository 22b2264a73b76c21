// A fresh public page for survivor-page tests: Arabic, no frame, empty storage.
import { resetFrame } from '../frame';
import { setLocale } from '../i18n';

export async function freshPublicPage(): Promise<void> {
  await setLocale('ar');
  resetFrame();
  document.body.innerHTML = '<div id="app"></div>';
  localStorage.clear();
  sessionStorage.clear();
}
