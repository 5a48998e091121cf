// Script authoring: the versions loaded (the current one marked), drafts
// under review, the lines that differ between two versions, the editor of a
// new draft, and rollback. Analysts (and admin) propose; compliance (and
// admin) approve, reject and roll back, never a draft of their own.
import { errorMessage } from '../../shell/graphql-client.js';
import type { MountView } from '../../shell/view-context.js';
import { badge, type Tone } from '../../ui/badge.js';
import { createBanner } from '../../ui/banner.js';
import { button, h } from '../../ui/dom.js';
import { formatDateTime } from '../../ui/format.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import { dataTable } from '../../ui/table.js';
import {
  ROLL_BACK_SCRIPTS,
  SCRIPT_DIFF_QUERY,
  SCRIPTS_QUERY,
  type ScriptDraft,
  type ScriptVersion,
} from '../../queries/script-queries.js';
import { draftActions } from './draft-review.js';
import { changesView } from './script-changes.js';
import { scriptEditor, type Library } from './script-editor.js';
import { canApprove, canAuthor, tell, type ScriptsPage } from './scripts-context.js';

const STATUS_TONE: Record<string, Tone> = { pending: 'warn', approved: 'good', rejected: 'bad' };

function versionsTable(
  page: ScriptsPage,
  current: string,
): ReturnType<typeof dataTable<ScriptVersion>> {
  const { ctx } = page;
  const diffWithCurrent = (v: ScriptVersion) => {
    ctx.client
      .query({ query: SCRIPT_DIFF_QUERY, variables: { from: current, to: v.version } })
      .then(({ data }) =>
        page.showChanges(
          `${current} → ${v.version}`,
          changesView(`${current} → ${v.version}`, data?.scriptDiff ?? []),
        ),
      )
      .catch((err: unknown) => page.banner.set(`Cannot compare: ${errorMessage(err)}`));
  };
  const rollBack = (v: ScriptVersion) => {
    ctx.client
      .mutate({ mutation: ROLL_BACK_SCRIPTS, variables: { version: v.version } })
      .then(() => {
        tell(page, `${v.version} is current again: new calls start on it.`);
        return page.reload();
      })
      .catch((err: unknown) => page.banner.set(`Not rolled back: ${errorMessage(err)}`));
  };
  const actions = (v: ScriptVersion) =>
    h(
      'span',
      { class: 'chips' },
      v.current
        ? null
        : button('Diff with current', () => diffWithCurrent(v), {
            class: 'btn btn-ghost btn-sm',
            'data-testid': `script-diff-${v.version}`,
          }),
      canAuthor(ctx.principal.role)
        ? button('New draft from this', () => page.edit(JSON.parse(v.library) as Library), {
            class: 'btn btn-ghost btn-sm',
            'data-testid': `script-edit-${v.version}`,
          })
        : null,
      canApprove(ctx.principal.role) && !v.current
        ? button('Roll back to this', () => rollBack(v), {
            class: 'btn btn-ghost btn-sm',
            'data-testid': `script-rollback-${v.version}`,
          })
        : null,
    );
  return dataTable<ScriptVersion>({
    caption: 'Script versions',
    rowKey: (v) => v.version,
    testid: 'script-version-rows',
    columns: [
      {
        id: 'version',
        label: 'Version',
        render: (v) =>
          h(
            'span',
            { class: 'chips', 'data-testid': `script-version-${v.version}` },
            h('b', {}, v.version),
            v.current ? badge('current', 'good', 'New calls start on this version') : null,
          ),
      },
      {
        id: 'nodes',
        label: 'Nodes',
        align: 'right',
        render: (v) => String(Object.keys((JSON.parse(v.library) as Library).nodes).length),
      },
      { id: 'actions', label: '', align: 'right', render: actions },
    ],
  });
}

function draftsTable(page: ScriptsPage): ReturnType<typeof dataTable<ScriptDraft>> {
  return dataTable<ScriptDraft>({
    caption: 'Script drafts',
    rowKey: (d) => d.id,
    testid: 'script-draft-rows',
    columns: [
      { id: 'version', label: 'Version', render: (d) => h('b', {}, d.version) },
      { id: 'status', label: 'Status', render: (d) => badge(d.status, STATUS_TONE[d.status]) },
      {
        id: 'proposed',
        label: 'Proposed',
        render: (d) => `${d.proposedBy}, ${formatDateTime(d.proposedAt)} (from ${d.baseVersion})`,
      },
      {
        id: 'reviewed',
        label: 'Reviewed',
        render: (d) =>
          d.reviewedBy
            ? `${d.reviewedBy}${d.reason ? `: ${d.reason}` : ''}`
            : h('span', { class: 'muted' }, '—'),
      },
      { id: 'actions', label: '', align: 'right', render: (d) => draftActions(page, d) },
    ],
  });
}

/** The editor's slot: one draft open at a time; `proposed` runs once one is submitted. */
function editorSlot(page: () => ScriptsPage, proposed: (d: ScriptDraft) => void) {
  const el = h('div', { 'data-testid': 'script-editor-slot' });
  let editor: { destroy(): void } | null = null;
  const close = () => {
    editor?.destroy();
    editor = null;
    el.replaceChildren();
  };
  const open = (base: Library) => {
    close();
    const e = scriptEditor(page().ctx.client, base, (d) => {
      close();
      if (d) proposed(d);
    });
    editor = e;
    const p = panel(`New draft from ${base.version}`, { testid: 'script-editor' });
    p.body.append(e.el);
    el.replaceChildren(p.el);
  };
  return { el, open, close };
}

function viewHead(refresh: () => void): HTMLElement {
  return h(
    'div',
    { class: 'view-head' },
    h(
      'div',
      {},
      h('h2', { class: 'view-title' }, 'Scripts'),
      h(
        'p',
        { class: 'view-lead' },
        'What the bot says in each dialog state. A new version is a draft until someone else approves it; every line passes the compliance rules first.',
      ),
    ),
    button('Refresh', refresh, { class: 'btn btn-ghost btn-sm', 'data-testid': 'scripts-refresh' }),
  );
}

export const mountScripts: MountView = (root, ctx) => {
  let alive = true;
  const banner = createBanner();
  const notice = h('div', {
    class: 'banner banner-ok',
    role: 'status',
    'data-testid': 'scripts-notice',
  });
  notice.hidden = true;
  const versions = panel('Versions', { testid: 'script-versions' });
  const drafts = panel('Drafts', {
    testid: 'script-drafts',
    subtitle: 'Approved by someone other than their author, then live for new calls',
  });
  const diff = panel('Differences', { testid: 'script-diff' });
  diff.body.append(stateBox('empty', 'Compare a version with the current one, or open a draft'));
  const editor = editorSlot(
    () => page,
    (d) => {
      tell(page, `Draft ${d.version} is waiting for review.`);
      void load();
    },
  );
  const page: ScriptsPage = {
    ctx,
    banner,
    notice,
    diff,
    reload: () => load(),
    showChanges(title, el) {
      diff.title.textContent = `Differences: ${title}`;
      diff.body.replaceChildren(el);
      diff.el.scrollIntoView({ block: 'nearest' });
    },
    edit: editor.open,
  };
  async function load(): Promise<void> {
    versions.body.replaceChildren(loading('Loading versions…'));
    try {
      const { data } = await ctx.client.query({
        query: SCRIPTS_QUERY,
        fetchPolicy: 'network-only',
      });
      if (!alive || !data) return;
      banner.set(null);
      const current = data.scriptVersions.find((v) => v.current)?.version ?? '';
      const vt = versionsTable(page, current);
      vt.setRows(data.scriptVersions);
      versions.body.replaceChildren(vt.el);
      const dt = draftsTable(page);
      dt.setRows(data.scriptDrafts);
      drafts.body.replaceChildren(
        data.scriptDrafts.length ? dt.el : stateBox('empty', 'No drafts yet'),
      );
    } catch (err) {
      if (!alive) return;
      banner.set(`Cannot load the scripts: ${errorMessage(err)}`);
      versions.body.replaceChildren(
        stateBox('error', 'Scripts could not be loaded', errorMessage(err)),
      );
    }
  }
  root.append(
    viewHead(() => void load()),
    banner.el,
    notice,
    editor.el,
    versions.el,
    drafts.el,
    diff.el,
  );
  void load();
  return {
    destroy() {
      alive = false;
      editor.close();
    },
  };
};
