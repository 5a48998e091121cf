// Keyword search over transcripts (Chinese and English; every term must
// match), hits highlighted with the server's offsets, paged by cursor.
import { errorMessage } from '../../shell/graphql-client.js';
import { button, field, h, select } from '../../ui/dom.js';
import { formatDateTime, formatInt } from '../../ui/format.js';
import { TRANSCRIPTS_QUERY } from '../../queries/compliance-queries.js';
import { badge } from '../../ui/badge.js';
import { highlighted } from '../../ui/highlight.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import type { Highlight, TranscriptHit } from '../../queries/compliance-queries.js';
import type { ViewContext } from '../../shell/view-context.js';
import type { Speaker } from '../../queries/graphql-types.js';
import { speakerLabel } from './transcript-panel.js';

const PAGE = 20;
const START = [
  'Search what was said',
  'Type a word or phrase in Chinese or English, e.g. 保证收益, 投诉 or refund.',
] as const;
const NO_MATCHES = [
  'No matches',
  'Every word must appear in one turn. Try fewer or other words.',
] as const;

export interface TranscriptSearch {
  el: HTMLElement;
  destroy(): void;
}

type Open = (callId: string, focus: { turn: number; marks: Highlight[] }) => void;

/** The words to find and who said them. */
function searchForm() {
  const text = h('input', {
    type: 'search',
    id: 'search-text',
    placeholder: 'e.g. 保证收益 or guaranteed',
    autocomplete: 'off',
    spellcheck: 'false',
    'data-testid': 'search-text',
  });
  const speaker = select(
    'search-speaker',
    [
      { value: '', label: 'Anyone' },
      { value: 'customer', label: 'Customer' },
      { value: 'bot', label: 'Bot' },
      { value: 'agent', label: 'Agent' },
    ],
    '',
    { 'data-testid': 'search-speaker' },
  );
  const submit = h(
    'button',
    { type: 'submit', class: 'btn btn-primary', 'data-testid': 'search-submit' },
    'Search',
  );
  const form = h(
    'form',
    { class: 'inline-form', role: 'search', 'aria-label': 'Transcript search' },
    field('Words in the transcript', text),
    field('Said by', speaker, undefined, 'field-narrow'),
    submit,
  );
  return { text, speaker, submit, form };
}

/** A matching turn, its matches marked, with a button that opens the call there. */
function hitCard(hit: TranscriptHit, open: Open): HTMLElement {
  const openBtn = button(
    'Open call',
    () => open(hit.callId, { turn: hit.turn, marks: hit.highlights }),
    {
      class: 'btn btn-link btn-sm',
      'aria-label': `Open call ${hit.callId} at turn ${hit.turn + 1}`,
    },
  );
  return h(
    'article',
    { class: 'search-hit', 'data-testid': 'search-hit', 'data-call': hit.callId },
    h(
      'div',
      { class: 'search-hit-meta' },
      badge(speakerLabel(hit.speaker), hit.speaker === 'customer' ? 'info' : 'neutral'),
      h('span', {}, formatDateTime(hit.ts)),
      h('span', { class: 'mono' }, hit.callId),
      h('span', {}, `turn ${hit.turn + 1}`),
      openBtn,
    ),
    h('div', { class: 'search-hit-text' }, highlighted(hit.text, hit.highlights)),
  );
}

export function createTranscriptSearch(ctx: ViewContext, open: Open): TranscriptSearch {
  const { text, speaker, submit, form } = searchForm();
  const hitEl = (hit: TranscriptHit) => hitCard(hit, open);
  const summary = h('p', { class: 'muted', 'data-testid': 'search-total', role: 'status' });
  const list = h('div', { 'data-testid': 'search-results' });
  const more = button('Load more', () => void run(true), { 'data-testid': 'search-more' });
  more.hidden = true;
  const p = panel('Transcript search', {
    testid: 'transcript-search',
    subtitle: 'Every term must match, case folded; newest first. Each search is audited.',
  });
  list.append(stateBox('empty', ...START));
  p.body.append(form, summary, list, h('div', { class: 'panel-foot' }, h('span'), more));

  let hits: TranscriptHit[] = [];
  let cursor: string | null = null;
  let query = { text: '', speaker: '' };
  let generation = 0;

  async function run(append = false): Promise<void> {
    const mine = append ? generation : ++generation;
    if (!append) {
      list.replaceChildren(loading('Searching…'));
      summary.textContent = '';
      more.hidden = true;
    }
    submit.disabled = true;
    more.disabled = true;
    try {
      const { data } = await ctx.client.query({
        query: TRANSCRIPTS_QUERY,
        variables: {
          text: query.text,
          speaker: (query.speaker || null) as Speaker | null,
          limit: PAGE,
          after: append ? cursor : null,
        },
      });
      if (mine !== generation || !data) return;
      const page = data.transcripts;
      hits = append ? [...hits, ...page.hits] : page.hits;
      cursor = page.nextCursor;
      if (!append) {
        const n = page.total ?? page.hits.length;
        summary.textContent = `${formatInt(n)} match${n === 1 ? '' : 'es'} for “${query.text}”`;
        summary.dataset['total'] = String(n);
      }
      if (append) list.append(...page.hits.map(hitEl));
      else
        list.replaceChildren(
          ...(hits.length ? hits.map(hitEl) : [stateBox('empty', ...NO_MATCHES)]),
        );
      more.hidden = cursor === null;
      p.setError(null);
    } catch (err) {
      if (mine !== generation) return;
      if (append) p.setError(`Cannot load more: ${errorMessage(err)}`);
      else list.replaceChildren(stateBox('error', 'The search failed', errorMessage(err)));
    } finally {
      submit.disabled = false;
      more.disabled = false;
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const t = text.value.trim();
    if (!t) {
      text.setAttribute('aria-invalid', 'true');
      summary.textContent = 'Type something to search for.';
      text.focus();
      return;
    }
    text.setAttribute('aria-invalid', 'false');
    query = { text: t, speaker: speaker.value };
    void run();
  });
  queueMicrotask(() => text.focus());
  return { el: p.el, destroy: () => void generation++ };
}
