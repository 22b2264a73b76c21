// The case screens, loaded as a separate chunk (with their styles) the first time a case page
// is opened.
import './cases.css';

export { casesListView } from './list';
export { intakeView } from './intake';
export { caseView, breakGlassView } from './view';
export { reviewView } from './review';
export { referralsListView } from './referrals';
