/**
 * The HTML of the customer's consent page and its error pages: small,
 * for a phone, Chinese first and English beneath, no script and no
 * external file. Its own Content-Security-Policy, stricter than the API's
 * (nothing but the one inline style, by hash), lets its forms post to the
 * page's own origin, which the API's `form-action 'none'` forbids.
 */
import { createHash } from 'node:crypto';
import type { Channel, Purpose } from '../../core/events/index.js';
import type { ConsentState } from '../../core/contact-record.js';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;color:#1d2733;background:#f4f6f8}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.5rem 0 .25rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
.en{display:block;color:#5b6774;font-size:.85em}
section{background:#fff;border-radius:12px;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.row{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.5rem 0;border-top:1px solid #e6e9ed}
.row:first-of-type{border-top:0}
.what{flex:1 1 8rem}
.state{font-weight:600;text-align:right}
.state[data-state=granted]{color:#17703c}
.state[data-state=refused],.state[data-state=withdrawn]{color:#9a3412}
form{margin:0;flex:1 1 100%}
button{width:100%;min-height:48px;font:inherit;font-weight:600;border:0;border-radius:10px;background:#b42318;color:#fff;padding:.5rem 1rem}
button.all{background:#7a1a12}
.note{background:#e8f5ec;color:#17703c;border-radius:10px;padding:.75rem 1rem;margin:0 0 1rem}
footer{color:#5b6774;font-size:.85rem;margin:1rem 0}
`;

/** The page's own policy: its inline style by hash, forms to its own origin, nothing else. */
export const CONSENT_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(CSS).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CHANNEL_NAMES: Record<Channel, [string, string]> = {
  call: ['电话', 'Phone calls'],
  sms: ['短信', 'SMS'],
  wechat: ['微信', 'WeChat'],
  email: ['邮件', 'Email'],
};
const PURPOSE_NAMES: Record<Purpose, [string, string]> = {
  marketing: ['营销', 'Marketing'],
  service: ['服务', 'Service'],
};
const STATE_NAMES: Record<ConsentState, [string, string]> = {
  granted: ['已同意', 'Allowed'],
  unknown: ['未选择', 'No choice recorded'],
  refused: ['已拒绝', 'Refused'],
  withdrawn: ['已撤回', 'Withdrawn'],
};

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const both = ([zh, en]: [string, string]): string =>
  `${escape(zh)}<span class="en" lang="en">${escape(en)}</span>`;

/** Whether a state may still be stopped from the page: a grant, or no choice yet. */
export const stoppable = (s: ConsentState): boolean => s === 'granted' || s === 'unknown';

function page(title: [string, string], body: string): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escape(title[0])} / ${escape(title[1])}</title>
<style>${CSS}</style></head>
<body><main>${body}</main></body></html>`;
}

function withdrawForm(action: string, fields: Record<string, string>, label: string, cls = '') {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escape(v)}">`)
    .join('');
  return `<form method="post" action="${escape(action)}">${inputs}<button type="submit"${
    cls ? ` class="${cls}"` : ''
  }>${label}</button></form>`;
}

export interface ConsentPageView {
  token: string;
  states: { channel: Channel; purpose: Purpose; state: ConsentState }[];
  expiresAt: Date;
  /** A change was just recorded. */
  saved: boolean;
}

/** The page: each channel's purposes with their state, and a button for each that can be stopped. */
export function consentPageHtml(v: ConsentPageView): string {
  // Relative to the page (/c/<token>): right behind a proxy's path prefix too.
  const action = `${v.token}/withdraw`;
  const channels = [...new Set(v.states.map((s) => s.channel))];
  const sections = channels.map((ch) => {
    const rows = v.states
      .filter((s) => s.channel === ch)
      .map((s) => {
        const button = stoppable(s.state)
          ? withdrawForm(
              action,
              { channel: s.channel, purpose: s.purpose },
              s.state === 'granted' ? '撤回 / Withdraw' : '拒绝 / Refuse',
            )
          : '';
        return `<div class="row" id="${s.channel}-${s.purpose}"><span class="what">${both(
          PURPOSE_NAMES[s.purpose],
        )}</span><span class="state" data-state="${s.state}">${both(
          STATE_NAMES[s.state],
        )}</span>${button}</div>`;
      });
    return `<section><h2>${both(CHANNEL_NAMES[ch])}</h2>${rows.join('')}</section>`;
  });
  const all = v.states.some((s) => stoppable(s.state))
    ? `<section>${withdrawForm(action, { channel: 'all' }, '全部撤回 / Withdraw all', 'all')}</section>`
    : '';
  const saved = v.saved
    ? `<p class="note" role="status">${both(['已记录您的选择。', 'Your choice has been recorded.'])}</p>`
    : '';
  const until = v.expiresAt.toISOString().slice(0, 16).replace('T', ' ');
  return page(
    ['联系授权管理', 'Your contact preferences'],
    `<h1>${both(['联系授权管理', 'Your contact preferences'])}</h1>
<p>${both([
      '您可以在这里查看并撤回我们联系您的方式。营销：产品与优惠信息；服务：关于您已有的产品或订单。',
      'See how we may contact you and withdraw any of it. Marketing: offers and products; service: about what you already have.',
    ])}</p>${saved}${sections.join('')}${all}
<footer>${both([`本链接有效期至 ${until} (UTC)。`, `This link is valid until ${until} UTC.`])}</footer>`,
  );
}

/** A page that says what went wrong, in words a customer understands (never a stack trace). */
export function errorPageHtml(zh: string, en: string): string {
  return page(
    ['联系授权管理', 'Contact preferences'],
    `<section><h1>${both([zh, en])}</h1></section>`,
  );
}

/** An HTML answer with the page's own policy; never cached (the address is a bearer secret). */
export function htmlResponse(status: number, html: string, headers: Record<string, string> = {}) {
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': CONSENT_PAGE_CSP,
      'cache-control': 'no-store',
      ...headers,
    },
  });
}
