/**
 * Where each turn is in the recording, in seconds from its start: the
 * turn's time less the recording's start (the start the dialer gave, else
 * the call's, else the first turn's), held within the recording's length.
 * Null where nothing can say (no start at all).
 */
export function turnOffsets(
  turnTimes: readonly string[],
  starts: { recording: string | null; call: string | null },
  durationS: number | null,
): (number | null)[] {
  const first = turnTimes.length ? Math.min(...turnTimes.map((t) => Date.parse(t))) : NaN;
  const base = [starts.recording, starts.call]
    .map((t) => (t === null ? NaN : Date.parse(t)))
    .concat(first)
    .find((t) => Number.isFinite(t));
  return turnTimes.map((t) => {
    const ms = Date.parse(t);
    if (base === undefined || !Number.isFinite(ms)) return null;
    const s = Math.max(0, (ms - base) / 1000);
    return Math.round((durationS === null ? s : Math.min(s, durationS)) * 1000) / 1000;
  });
}
