/** Opens a GraphQL subscription over server-sent events (POST /graphql). */
export const subscribe = (url: string, key: string, query: string): Promise<Response> =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({ query }),
  });

/** Reads the stream until `want` shows up or `timeoutMs` passes; returns all read. */
export async function readUntil(res: Response, want: string, timeoutMs = 10_000): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!text.includes(want) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
}

/** A call.started event for a fresh call, to make new data arrive. */
export const callStarted = (region: string) => ({
  event_id: crypto.randomUUID(),
  type: 'call.started',
  ts: new Date().toISOString(),
  schema_version: 1,
  customer_id: `cust-live-${crypto.randomUUID().slice(0, 8)}`,
  call_id: `call-live-${crypto.randomUUID()}`,
  campaign_id: 'c',
  script_id: 's',
  script_version: 'v1',
  handled_by: 'bot',
  region,
  product_line: 'loan',
});
