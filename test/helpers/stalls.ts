/**
 * Watches the event loop from now on: `stop()` gives the longest time (ms)
 * it went without turning, measured between two setImmediate callbacks.
 */
export function watchStalls(): { stop(): number } {
  let watching = true;
  let longest = 0;
  let last = performance.now();
  const spin = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (watching) setImmediate(spin);
  };
  setImmediate(spin);
  return {
    stop: () => {
      watching = false;
      return longest;
    },
  };
}
