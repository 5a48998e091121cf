// A call's recording in the timeline: fetched once, on the first play,
// with the analyst's key (the one request the dashboard makes outside
// GraphQL: audio is bytes), kept as a blob URL for this panel only.
import { readKey } from '../../shell/auth-key.js';
import { h } from '../../ui/dom.js';

export interface CallAudio {
  el: HTMLElement;
  /** Loads the audio if need be, then moves to `seconds` (and plays, when asked). */
  seek(seconds: number, play: boolean): Promise<void>;
  /** Frees the blob (the panel shows another call). */
  release(): void;
}

async function fetchRecording(callId: string): Promise<Blob> {
  const res = await fetch(`/calls/${encodeURIComponent(callId)}/recording`, {
    headers: { Authorization: `Bearer ${readKey() ?? ''}` },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `the recording could not be loaded (${res.status})`);
  }
  return res.blob();
}

/** Resolves once the element knows the audio's length, so currentTime can be set. */
const metadata = (audio: HTMLAudioElement): Promise<void> =>
  audio.readyState >= 1
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        audio.addEventListener('loadedmetadata', () => resolve(), { once: true });
        audio.addEventListener('error', () => reject(new Error('the audio does not play')), {
          once: true,
        });
      });

export function createCallAudio(
  callId: string,
  info: { contentType: string; bytes: number; durationS: number | null },
): CallAudio {
  const audio = h('audio', { controls: '', preload: 'none', 'data-testid': 'call-audio' });
  const status = h('small', { class: 'muted', 'aria-live': 'polite' }, describe(info));
  let url: string | undefined;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> =>
    (loading ??= fetchRecording(callId).then(async (blob) => {
      url = URL.createObjectURL(blob);
      audio.src = url;
      audio.load();
      await metadata(audio);
      status.textContent = describe(info);
    }));
  return {
    el: h('div', { class: 'call-audio', 'data-testid': 'call-recording' }, audio, status),
    async seek(seconds, play) {
      try {
        await load();
        audio.currentTime = seconds;
        if (play) await audio.play();
      } catch (err) {
        loading = undefined;
        status.textContent = err instanceof Error ? err.message : String(err);
        status.classList.add('is-error');
      }
    },
    release() {
      if (url) URL.revokeObjectURL(url);
    },
  };
}

function describe(info: { contentType: string; bytes: number; durationS: number | null }): string {
  const kb = `${Math.round(info.bytes / 1024)} KB`;
  const length = info.durationS === null ? '' : `, ${clock(info.durationS)}`;
  return `Recording: ${info.contentType.replace('audio/', '')}, ${kb}${length}`;
}

/** 75.2 → "1:15". */
export const clock = (seconds: number): string =>
  `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
