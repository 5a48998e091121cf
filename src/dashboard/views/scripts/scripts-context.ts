// What the Scripts view's parts share: who may do what, and the page they act on.
import type { ViewContext } from '../../shell/view-context.js';
import type { Banner } from '../../ui/banner.js';
import type { Panel } from '../../ui/panel.js';
import type { Library } from './script-editor.js';

/** Analysts and admin propose drafts. */
export const canAuthor = (role: string): boolean => role === 'analyst' || role === 'admin';
/** Compliance and admin review drafts (never their own) and roll back. */
export const canApprove = (role: string): boolean => role === 'compliance' || role === 'admin';

export interface ScriptsPage {
  ctx: ViewContext;
  banner: Banner;
  /** A line saying what was just done. */
  notice: HTMLElement;
  diff: Panel;
  reload(): Promise<void>;
  showChanges(title: string, el: HTMLElement): void;
  /** Opens the editor on a copy of `base`. */
  edit(base: Library): void;
}

/** Shows what was just done in the page's notice line. */
export function tell(page: ScriptsPage, message: string): void {
  page.notice.textContent = message;
  page.notice.hidden = false;
}
