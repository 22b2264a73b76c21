// Deployment constants of the front end, in one place.

/**
 * Where "quick exit" sends a survivor: a neutral, common page, opened with location.replace so
 * that the Tamkine page leaves the history. Change it here only.
 */
export const QUICK_EXIT_URL = 'https://www.google.com/search?q=weather';

/** Milliseconds within which two presses of Escape trigger quick exit. */
export const QUICK_EXIT_ESCAPE_WINDOW_MS = 1500;

/**
 * Free phone numbers shown on the public help page. Sources (public, 2020–2025): 8350 is the
 * national listening line for women "Kolonamaak" (24h/7d); 2511 the children's line of the
 * national observatory of children's rights; 19 police; 177 Royal Gendarmerie; 15 civil
 * protection (ambulance). To be confirmed by the national coordination before each release.
 */
export const HELPLINES = {
  women: '8350',
  children: '2511',
  police: '19',
  gendarmerie: '177',
  ambulance: '15',
} as const;

/** Language persistence for staff pages: this browser tab only (sessionStorage). */
export const STAFF_LANGUAGE_KEY = 'tamkine.lang';
