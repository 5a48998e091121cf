// One call's timeline: its turns with the compliance hits marked, what the
// decision layer did and why, the handoff, and the recording played from the
// turn clicked (callTranscript: compliance and admin only, every read
// audited on the server).
import type { ApolloClient } from '@apollo/client';
import { errorMessage } from '../../shell/graphql-client.js';
import { formatTime } from '../../ui/format.js';
import { CALL_TRANSCRIPT_QUERY } from '../../queries/compliance-queries.js';
import { href } from '../../shell/hash-router.js';
import { badge } from '../../ui/badge.js';
import { button, h } from '../../ui/dom.js';
import { clock, createCallAudio, type CallAudio } from './call-audio.js';
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
type Decision = CallTranscript['decisions'][number];

/** One turn as said, its hits (or the search's marks) highlighted, with its intent and emotion; ▶ plays it. */
function turnItem(turn: Turn, marks: readonly Highlight[], audio: CallAudio | null): HTMLElement {
  const hits = turn.highlights.length;
  const offset = turn.offsetS;
  const play =
    audio && offset !== null
      ? button(`▶ ${clock(offset)}`, () => void audio.seek(offset, true), {
          class: 'btn btn-ghost btn-play',
          'data-testid': 'play-turn',
          'aria-label': `Play from turn ${turn.turn + 1} (${clock(offset)})`,
        })
      : null;
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
      play,
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

/** What the decision layer did, in the timeline after the turn it answered. */
const decisionItem = (d: Decision): HTMLElement =>
  h(
    'li',
    { class: 'turn-decision', 'data-testid': 'timeline-decision' },
    h('small', {}, formatTime(d.ts)),
    ' ',
    badge(`${d.state} → ${d.action}`, d.blocked ? 'bad' : 'info'),
    ` ${d.reason}`,
    d.blocked ? h('span', { class: 'muted' }, ` · line held back by ${d.blocked}`) : null,
    h('span', { class: 'muted' }, ` · scripts ${d.scriptVersion}`),
  );

/** Turns and decisions in the order they happened (a decision after the turns up to its time). */
function timeline(turns: HTMLElement[], t: CallTranscript): HTMLElement[] {
  const out: HTMLElement[] = [];
  let d = 0;
  t.turns.forEach((turn, i) => {
    while (d < t.decisions.length && t.decisions[d]!.ts < turn.ts)
      out.push(decisionItem(t.decisions[d++]!));
    out.push(turns[i]!);
  });
  return out.concat(t.decisions.slice(d).map(decisionItem));
}

function render(
  t: CallTranscript,
  audio: CallAudio | null,
  focus?: { turn: number; marks?: Highlight[] },
): HTMLElement[] {
  const turnEls = new Map<number, HTMLElement>();
  const turns = t.turns.map((turn) => {
    const marks = focus?.turn === turn.turn && focus.marks?.length ? focus.marks : turn.highlights;
    const el = turnItem(turn, marks, audio);
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
  if (focus)
    queueMicrotask(() => {
      jump(focus.turn);
      // A search hit: the recording waits at the moment it was said.
      const offset = t.turns.find((x) => x.turn === focus.turn)?.offsetS;
      if (audio && offset !== null && offset !== undefined) void audio.seek(offset, false);
    });
  return [
    h(
      'p',
      { class: 'profile-sub' },
      h('span', {}, 'Customer ', h('a', { href: href('customers', t.customerId) }, t.customerId)),
      h('span', {}, `${t.turns.length} turns`),
      h('span', {}, `${t.hits.length} hits`),
      t.outcome ? h('span', {}, `outcome ${t.outcome}`) : null,
      t.transferredQueue
        ? h('span', { 'data-testid': 'handoff' }, `handed to ${t.transferredQueue}`)
        : null,
    ),
    audio ? audio.el : h('p', { class: 'muted' }, 'No recording stored for this call.'),
    hits,
    h(
      'ol',
      { class: 'transcript', 'aria-label': 'Transcript', 'data-testid': 'transcript' },
      ...timeline(turns, t),
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
  let audio: CallAudio | null = null;
  const release = () => {
    audio?.release();
    audio = null;
  };
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
          release();
          audio = t?.recording ? createCallAudio(t.callId, t.recording) : null;
          p.body.replaceChildren(
            ...(t
              ? render(t, audio, focus)
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
      release();
      p.title.textContent = 'Transcript';
      delete p.el.dataset['call'];
      p.body.replaceChildren(idle());
    },
  };
}
