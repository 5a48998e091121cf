/** Calls the platform's REST API with an API key: GET without a body, POST with it as JSON. */
export const rest = (url: string, key: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
