/** Scoring a compliance checker against a labelled set (`dialwise eval compliance`). */
export * from './compliance-evaluation.js';
