/**
 * The reference page: the OpenAPI document rendered as one HTML page on the
 * server (no script, nothing fetched from elsewhere), for people reading in
 * a browser. Generators read /openapi.json itself.
 */

type Json = Record<string, unknown>;

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** `code` spans in the document's words; everything else escaped. */
const prose = (s: unknown): string =>
  esc(s ?? '')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\n\n/g, '</p><p>');

const pretty = (v: unknown): string => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;

/** A schema as its name (a link to it) or, inline, its JSON. */
function schemaRef(schema: unknown): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) {
    const name = ref.split('/').pop()!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  return `<details><summary>schema</summary>${pretty(schema)}</details>`;
}

function examples(content: Json | undefined): string {
  const out: string[] = [];
  for (const [type, media] of Object.entries(content ?? {})) {
    const m = media as {
      schema?: unknown;
      examples?: Record<string, { summary: string; value: unknown }>;
    };
    out.push(
      `<div class="media"><span class="type">${esc(type)}</span> ${schemaRef(m.schema)}</div>`,
    );
    for (const [lang, e] of Object.entries(m.examples ?? {}))
      out.push(
        `<div class="example"><b lang="${esc(lang)}">${esc(e.summary)}</b>${pretty(e.value)}</div>`,
      );
  }
  return out.join('');
}

function parameters(params: Json[] | undefined): string {
  if (!params?.length) return '';
  const rows = params.map((p) => {
    const ex = Object.values((p.examples as Record<string, { value: unknown }>) ?? {})
      .map((e) => `<code>${esc(e.value)}</code>`)
      .join(' ');
    return `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}${p.required ? ', required' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${prose(p.description ?? '')} ${ex}</td></tr>`;
  });
  return `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>schema</th><th>notes, examples</th></tr>${rows.join('')}</table>`;
}

function operationHtml(method: string, path: string, op: Json): string {
  const body = op.requestBody as { content?: Json } | undefined;
  const responses = Object.entries(
    op.responses as Record<string, { description: string; content?: Json }>,
  )
    .map(
      ([status, r]) =>
        `<div class="response"><span class="status s${esc(status[0])}">${esc(status)}</span> ${prose(r.description)}${examples(r.content)}</div>`,
    )
    .join('');
  return `<section class="op" id="${esc(op.operationId)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code> ${esc(op.summary)}</h3>
<p>${prose(op.description)}</p>
${parameters(op.parameters as Json[] | undefined)}
${body ? `<h4>Body</h4>${examples(body.content)}` : ''}
<h4>Responses</h4>${responses}
</section>`;
}

/** The page for this document. */
export function referenceHtml(doc: Json): string {
  const info = doc.info as { title: string; version: string; description: string };
  const tags = doc.tags as { name: string; description: string }[];
  const ops = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(
    ([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
  const sections = tags.map((t) => {
    const mine = ops.filter((o) => (o.op.tags as string[])[0] === t.name);
    if (!mine.length) return '';
    return `<h2 id="tag-${esc(t.name)}">${esc(t.name)}</h2><p>${esc(t.description)}</p>${mine
      .map((o) => operationHtml(o.method, o.path, o.op))
      .join('')}`;
  });
  const schemas = Object.entries((doc.components as { schemas: Json }).schemas)
    .map(
      ([name, s]) =>
        `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${pretty(s)}</section>`,
    )
    .join('');
  const toc = ops
    .map(
      (o) =>
        `<li><a href="#${esc(o.op.operationId)}"><span class="method ${esc(o.method)}">${esc(o.method.toUpperCase())}</span> ${esc(o.path)}</a></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1100px;padding:1rem 2rem;color:#1d2330}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f5f6f8;padding:.6rem;overflow:auto;border-radius:4px}
.op{border-top:1px solid #dde1e7;padding:.5rem 0}
.method{display:inline-block;min-width:4.5em;text-align:center;border-radius:3px;color:#fff;font-size:12px;font-weight:600}
.get{background:#2f7d32}.post{background:#1f5fbf}.delete{background:#b3261e}
.status{font-weight:600}.s2,.s3{color:#2f7d32}.s4{color:#b35c00}.s5{color:#b3261e}
table{border-collapse:collapse}td,th{border:1px solid #dde1e7;padding:.2rem .5rem;text-align:left;vertical-align:top}
.type{color:#555}
</style></head><body>
<h1>${esc(info.title)} <small>${esc(info.version)}</small></h1>
<p>${prose(info.description)}</p>
<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav><ul>${toc}</ul></nav>
${sections.join('')}
<h2 id="schemas">Schemas</h2>${schemas}
</body></html>`;
}
