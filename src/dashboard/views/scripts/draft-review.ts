// A draft's actions: its changes for anyone; approve, or reject with a reason,
// for a reviewer who did not propose it (the server refuses self-approval too).
import { errorMessage } from '../../shell/graphql-client.js';
import { button, h } from '../../ui/dom.js';
import { APPROVE_SCRIPTS, REJECT_SCRIPTS, type ScriptDraft } from '../../queries/script-queries.js';
import { changesView } from './script-changes.js';
import { canApprove, tell, type ScriptsPage } from './scripts-context.js';

function rejectForm(page: ScriptsPage, d: ScriptDraft, slot: HTMLElement): HTMLElement {
  const reason = h('input', {
    type: 'text',
    'aria-label': `Why ${d.version} is rejected`,
    placeholder: 'Why (the author sees it)',
    'data-testid': `draft-reason-${d.version}`,
  });
  const confirm = button(
    'Reject',
    () => {
      if (!reason.value.trim()) return reason.focus();
      page.ctx.client
        .mutate({ mutation: REJECT_SCRIPTS, variables: { id: d.id, reason: reason.value.trim() } })
        .then(() => {
          tell(page, `Draft ${d.version} rejected.`);
          return page.reload();
        })
        .catch((err: unknown) => page.banner.set(`Not rejected: ${errorMessage(err)}`));
    },
    { class: 'btn btn-danger btn-sm', 'data-testid': `draft-reject-confirm-${d.version}` },
  );
  queueMicrotask(() => reason.focus());
  return h(
    'span',
    { class: 'chips' },
    reason,
    confirm,
    button('Cancel', () => slot.replaceChildren()),
  );
}

export function draftActions(page: ScriptsPage, d: ScriptDraft): HTMLElement {
  const { ctx } = page;
  const approve = () =>
    ctx.client
      .mutate({ mutation: APPROVE_SCRIPTS, variables: { id: d.id } })
      .then(() => {
        tell(page, `Draft ${d.version} approved: new calls start on it.`);
        return page.reload();
      })
      .catch((err: unknown) => page.banner.set(`Not approved: ${errorMessage(err)}`));
  const review = canApprove(ctx.principal.role) && d.status === 'pending';
  const own = d.proposedBy === ctx.principal.name;
  const slot = h('span');
  const el = h(
    'span',
    { class: 'chips' },
    button(
      'Changes',
      () =>
        page.showChanges(
          `${d.baseVersion} → draft ${d.version}`,
          changesView(`${d.baseVersion} → draft ${d.version}`, d.changes),
        ),
      { class: 'btn btn-ghost btn-sm', 'data-testid': `draft-changes-${d.version}` },
    ),
    review && own ? h('span', { class: 'muted' }, 'yours: another reviewer approves it') : null,
    review && !own
      ? button('Approve', () => void approve(), {
          class: 'btn btn-primary btn-sm',
          'data-testid': `draft-approve-${d.version}`,
        })
      : null,
    review && !own
      ? button(
          'Reject…',
          () => {
            const form = rejectForm(page, d, slot);
            slot.replaceChildren(form);
          },
          { class: 'btn btn-ghost btn-sm', 'data-testid': `draft-reject-${d.version}` },
        )
      : null,
    slot,
  );
  return el;
}
