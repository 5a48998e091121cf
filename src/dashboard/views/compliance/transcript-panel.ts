// One call's transcript with the compliance hits marked (callTranscript:
// compliance and admin only, every read audited on the server).
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../../shell/graphql-client.js';
import { h } from '../../ui/dom.js';
import { formatTime } from '../../ui/format.js';
import { CALL_TRANSCRIPT_QUERY } from '../../queries/compliance-queries.js';
import { href } from '../../shell/hash-router.js';
import { badge } from '../../ui/badge.js';
import { highlighted } from '../../ui/highlight.js';
import { panel } from '../../ui/panel.js';
import { loading, stateBox } from '../../ui/states.js';
import type { CallTranscript, Highlight } from '../../queries/compliance-queries.js';

const SPEAKERS: Record<string, string> = { bot: 'Bot', agent: 'Agent', customer: 'Customer' };
export const speakerLabel = (s: string): string => SPEAKERS[s] ?? s;

export interface TranscriptPanel {
  el: HTMLElement;
  /** Loads and shows a call; `turn` (and `marks`, e.g. search hits) are brought into view. */
  show(callId: string, focus?: { turn: number; marks?: Highlight[] }): void;
  clear(): void;
}

type Turn = CallTranscript['turns'][number];

/** One turn as said, its hits (or the search's marks) highlighted, with its intent and emotion. */
function turnItem(turn: Turn, marks: readonly Highlight[]): HTMLElement {
  const hits = turn.highlights.length;
  return h(
    'li',
    {
      class: `turn is-${turn.speaker}${hits ? ' has-hit' : ''}`,
      'data-turn': String(turn.turn),
      'data-testid': 'turn',
      tabindex: '-1',
    },
    h(
      'div',
      { class: 'turn-who' },
      speakerLabel(turn.speaker),
      h('small', {}, formatTime(turn.ts)),
    ),
    h(
      'div',
      {},
      h('div', { class: 'turn-bubble' }, highlighted(turn.text, marks)),
      turn.intent || turn.emotion || hits
        ? h(
            'div',
            { class: 'turn-meta' },
            hits ? badge(`${hits} compliance hit${hits > 1 ? 's' : ''}`, 'bad') : null,
            turn.intent ? badge(`intent: ${turn.intent}`, 'info') : null,
            turn.emotion ? badge(`emotion: ${turn.emotion}`) : null,
          )
        : null,
    ),
  );
}

function render(t: CallTranscript, focus?: { turn: number; marks?: Highlight[] }): HTMLElement[] {
  const turnEls = new Map<number, HTMLElement>();
  const turns = t.turns.map((turn) => {
    const marks = focus?.turn === turn.turn && focus.marks?.length ? focus.marks : turn.highlights;
    const el = turnItem(turn, marks);
    turnEls.set(turn.turn, el);
    return el;
  });

  const jump = (turn: number | null): void => {
    const el = turn === null ? undefined : turnEls.get(turn);
    if (!el) return;
    // Scroll the panel, not the page: the list beside it stays where it was.
    const box = el.closest<HTMLElement>('.panel-body');
    if (box) box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 80;
    el.focus({ preventScroll: true });
  };
  const hits = t.hits.length
    ? h(
        'ul',
        { class: 'hit-list', 'aria-label': 'Compliance hits', 'data-testid': 'transcript-hits' },
        ...t.hits.map((hit) => {
          const b = h(
            'button',
            { type: 'button' },
            h('b', {}, hit.rule),
            ` · “${hit.term}” · ${speakerLabel(hit.speaker)}${hit.turn !== null ? `, turn ${hit.turn + 1}` : ''}`,
          );
          b.addEventListener('click', () => jump(hit.turn));
          return h('li', {}, b);
        }),
      )
    : h('p', { class: 'muted' }, 'No compliance hits in this call.');
  if (focus) queueMicrotask(() => jump(focus.turn));
  return [
    h(
      'p',
      { class: 'profile-sub' },
      h('span', {}, 'Customer ', h('a', { href: href('customers', t.customerId) }, t.customerId)),
      h('span', {}, `${t.turns.length} turns`),
      h('span', {}, `${t.hits.length} hits`),
    ),
    hits,
    h(
      'ol',
      { class: 'transcript', 'aria-label': 'Transcript', 'data-testid': 'transcript' },
      ...turns,
    ),
  ];
}

export function createTranscriptPanel(client: ApolloClient): TranscriptPanel {
  const p = panel('Transcript', { testid: 'transcript-panel' });
  const idle = (): HTMLElement =>
    stateBox(
      'empty',
      'Select a call',
      'Its transcript opens here, with the compliance hits marked.',
    );
  p.body.append(idle());
  let current = 0;
  return {
    el: p.el,
    show(callId, focus) {
      const mine = ++current;
      p.title.textContent = `Call ${callId}`;
      p.el.dataset['call'] = callId;
      p.setError(null);
      p.body.replaceChildren(loading('Loading transcript…'));
      client
        .query({ query: CALL_TRANSCRIPT_QUERY, variables: { callId } })
        .then(({ data }) => {
          if (mine !== current) return;
          const t = data?.callTranscript;
          p.body.replaceChildren(
            ...(t
              ? render(t, focus)
              : [
                  stateBox(
                    'empty',
                    'No transcript stored',
                    `Nothing was said on call ${callId}, or it is not stored.`,
                  ),
                ]),
          );
        })
        .catch((err: unknown) => {
          if (mine !== current) return;
          p.body.replaceChildren(
            stateBox('error', 'The transcript could not be loaded', errorMessage(err)),
          );
        });
    },
    clear() {
      current++;
      p.title.textContent = 'Transcript';
      delete p.el.dataset['call'];
      p.body.replaceChildren(idle());
    },
  };
}
