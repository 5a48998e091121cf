import { openApiDocument } from './openapi.js';
import { referenceHtml } from './openapi-page.js';
import { route, type Route } from './route.js';

/**
 * GET /openapi.json and GET /docs/api: the reference of these routes and of
 * themselves, built once, on the first request.
 */
export function referenceRoutes(table: readonly Route[]): Route[] {
  let json: string | undefined;
  let html: string | undefined;
  const documented = () => {
    if (json === undefined) {
      const doc = openApiDocument([...table, ...own]);
      json = JSON.stringify(doc);
      html = referenceHtml(doc);
    }
    return { json, html: html! };
  };
  const own: Route[] = [
    route({
      method: 'GET',
      path: '/openapi.json',
      roles: 'public',
      doc: {
        tag: 'meta',
        summary: 'This reference, as OpenAPI 3.1',
        description: 'For client generators and contract tests.',
        responses: { 200: { description: 'The document.', type: 'application/json' } },
      },
      handle: () =>
        new Response(documented().json, { headers: { 'content-type': 'application/json' } }),
    }),
    route({
      method: 'GET',
      path: '/docs/api',
      roles: 'public',
      doc: {
        tag: 'meta',
        summary: 'This reference, as a page to read',
        responses: { 200: { description: 'The page.', type: 'text/html' } },
      },
      handle: () =>
        new Response(documented().html, {
          headers: { 'content-type': 'text/html; charset=utf-8' },
        }),
    }),
  ];
  return own;
}
