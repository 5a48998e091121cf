/** POSTs a GraphQL query with an API key; returns status and parsed body. */
export async function gql(
  url: string,
  query: string,
  key?: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  body: {
    data?: Record<string, any>;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}
