/**
 * The documented calls of each REST route, in Chinese and English, by
 * `METHOD /path`: the OpenAPI document shows them, and the contract test
 * sends every one to a started platform and checks the answer against the
 * document.
 */
import { DIALER_EXAMPLES } from './examples-dialer.js';
import type { Example } from './route.js';

export const ROUTE_EXAMPLES: Record<string, { zh: Example; en: Example }> = {
  'GET /health': {
    zh: {
      summary: '健康检查',
      response: {
        status: 'ok',
        bus: 'embedded',
        models: { intent: 'baseline' },
        problems: [],
      },
    },
    en: {
      summary: 'Health check',
      response: { status: 'ok', bus: 'embedded', models: { intent: 'v3' }, problems: [] },
    },
  },
  'POST /events': {
    zh: {
      summary: '客户说的一句话',
      body: {
        event_id: 'evt-zh-0001',
        type: 'dialog.turn',
        ts: '2026-12-07T02:15:04Z',
        schema_version: 1,
        customer_id: 'cust-zh-001',
        call_id: 'call-zh-001',
        turn: 1,
        speaker: 'customer',
        text: '嗯，你们这个保险一个月多少钱啊',
        asr_confidence: 0.87,
      },
      response: { accepted: 1, rejected: [] },
    },
    en: {
      summary: 'A call that started',
      body: [
        {
          event_id: 'evt-en-0001',
          type: 'call.started',
          ts: '2026-12-07T02:15:00Z',
          schema_version: 1,
          customer_id: 'cust-en-001',
          call_id: 'call-en-001',
          campaign_id: 'spring-renewal',
          script_id: 'renewal',
          script_version: 'v1',
          handled_by: 'bot',
          region: 'east',
          product_line: 'insurance',
        },
      ],
      response: { accepted: 1, rejected: [] },
    },
  },
  'POST /customer/update': {
    zh: {
      summary: '更新客户等级和行业',
      body: { customer_id: 'cust-zh-001', fields: { 客户等级: 'A', 行业: '制造业' } },
      response: {
        event_id: '8f0c2f7e-0d3c-4a55-9c63-5a1f3c2e9b10',
        mapped: ['customer_tier', 'industry'],
        unmapped: [],
        errors: [],
      },
    },
    en: {
      summary: 'Update the industry; a field the mapping does not know is kept unmapped',
      body: { customer_id: 'cust-en-001', fields: { tier: 'B', industry: 'retail' } },
      response: {
        event_id: '3b2a1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
        mapped: ['industry'],
        unmapped: ['tier'],
        errors: [],
      },
    },
  },
  'POST /compliance/bot-line': {
    zh: {
      summary: '承诺保本收益的话术',
      body: { text: '这款产品保本保收益，稳赚不赔' },
      response: {
        allowed: false,
        hits: [
          { rule: 'principal_guarantee', term: '保本', start: 4, end: 6 },
          { rule: 'guaranteed_return', term: '保收益', start: 6, end: 9 },
          { rule: 'guaranteed_return', term: '稳赚不赔', start: 10, end: 14 },
        ],
      },
    },
    en: {
      summary: 'A compliant line',
      body: { text: 'Would you like me to send you the policy details by SMS?' },
      response: { allowed: true, hits: [] },
    },
  },
  'GET /dead-letters': {
    zh: { summary: '最近 20 条', query: { limit: '20' } },
    en: { summary: 'The page before id 500', query: { limit: '100', before: '500' } },
  },
  'POST /dead-letters/replay': {
    zh: {
      summary: '重放两条',
      body: { ids: [1, 2] },
      response: { replayed: 0, invalid: [] },
    },
    en: { summary: 'Replay one', body: { ids: [3] }, response: { replayed: 0, invalid: [] } },
  },
  'POST /admin/keys': {
    zh: {
      summary: '外包呼叫中心的拨号器密钥，只看一个活动',
      body: {
        name: 'outsourced-dialer',
        role: 'dialer',
        expires_in_days: 90,
        campaigns: ['spring-renewal'],
      },
      response: {
        name: 'outsourced-dialer',
        role: 'dialer',
        createdAt: '2026-12-07T02:00:00.000Z',
        createdBy: 'admin',
        expiresAt: '2027-03-07T02:00:00.000Z',
        revokedAt: null,
        campaigns: ['spring-renewal'],
        key: 'dw_4nQ2m8xVbP0kR7sT1uW3yZ5aC9dE2fG4',
      },
    },
    en: {
      summary: "An analyst's key",
      body: { name: 'bi-analyst', role: 'analyst' },
      response: {
        name: 'bi-analyst',
        role: 'analyst',
        createdAt: '2026-12-07T02:00:00.000Z',
        createdBy: 'admin',
        expiresAt: null,
        revokedAt: null,
        campaigns: null,
        key: 'dw_Hj7kL2mN9pQ4rS6tU8vW1xY3zA5bC7dE',
      },
    },
  },
  'DELETE /admin/keys/:name': {
    zh: { summary: '吊销外包拨号器的密钥', params: { name: 'outsourced-dialer' } },
    en: { summary: "Revoke the analyst's key", params: { name: 'bi-analyst' } },
  },
  ...DIALER_EXAMPLES,
  'POST /outreach/check': {
    zh: {
      summary: '能否给客户发短信营销',
      body: { customer_id: 'cust-zh-001', channel: 'sms', purpose: 'marketing' },
      response: { allowed: true, reason: null, detail: null },
    },
    en: {
      summary: 'May we call this customer now?',
      body: { customer_id: 'cust-en-001', channel: 'call', campaign_id: 'spring-renewal' },
      response: { allowed: true, reason: null, detail: null },
    },
  },
  'POST /dnc/import': {
    zh: {
      summary: '工信部拒接名单的一批号码',
      body: {
        source: 'miit-2026-12',
        listed_on: '2026-12-01',
        phones: ['13800138000', '+86 139 0013 9000'],
      },
      response: { imported: 2, already: 0, invalid: [] },
    },
    en: {
      summary: "A customer's own request",
      body: {
        source: 'customer-request',
        listed_on: '2026-12-06',
        phones: ['13700137000', 'not a phone'],
      },
      response: { imported: 1, already: 0, invalid: [1] },
    },
  },
  'GET /consent/export': {
    zh: {
      summary: '客户的授权记录',
      query: { customer_id: 'cust-zh-001' },
      response: {
        customer_id: 'cust-zh-001',
        exported_at: '2026-12-07T02:20:00.000Z',
        state: [
          {
            channel: 'call',
            purpose: 'marketing',
            state: 'granted',
            since: '2026-11-02T06:00:00.000Z',
            event_id: 'evt-zh-0100',
          },
          { channel: 'sms', purpose: 'marketing', state: 'unknown', since: null, event_id: null },
        ],
        changes: [
          {
            event_id: 'evt-zh-0100',
            at: '2026-11-02T06:00:00.000Z',
            scope: 'call',
            purpose: 'marketing',
            granted: true,
            source: 'call',
            call_id: 'call-zh-000',
            evidence_event_id: 'evt-zh-0099',
            cue: '可以',
            text: '可以，以后有优惠可以打电话给我',
          },
        ],
      },
    },
    en: { summary: "A customer's consent record", query: { customer_id: 'cust-en-001' } },
  },
  'POST /admin/clock': {
    zh: { summary: '拨到北京时间上午九点', body: { to: '2026-12-08T09:00:00+08:00' } },
    en: { summary: 'Move to 10:00 UTC', body: { to: '2026-12-08T10:00:00Z' } },
  },
  'POST /admin/scripts/current': {
    zh: {
      summary: '话术回滚到上一版',
      body: { version: '2026-12-06' },
      response: { version: '2026-12-06' },
    },
    en: {
      summary: 'Roll the scripts back to the last version',
      body: { version: '2026-12-06' },
      response: { version: '2026-12-06' },
    },
  },
  'POST /admin/retention/run': {
    zh: { summary: '只统计，不删除', query: { dry_run: 'true' } },
    en: { summary: 'Count what would go', query: { dry_run: 'true' } },
  },
  'POST /customers/:id/erase': {
    zh: {
      summary: '客户要求删除个人信息',
      params: { id: 'cust-zh-erase' },
      response: {
        customer_id: 'cust-zh-erase',
        event_id: 'erase-74d503a0-8860-4fed-ac00-7199d91563e8',
        erased: { turns: 12, calls: 2, decisions: 9, profiles: 1, search_index: 12 },
        files: {},
        hot_words_rewritten: false,
        kept: { consent_changes: 1 },
        pseudonym: 'erased:dGmXhkXGTZUPtYyrK6w2rW0_u9kSvK68Feovd8dmBA0',
        requested_by: 'admin',
        at: '2026-12-07T02:20:00.000Z',
      },
    },
    en: { summary: 'A right-to-erasure request', params: { id: 'cust-en-erase' } },
  },
  'POST /consent/links': {
    zh: {
      summary: '给客户发授权管理链接',
      body: { customer_id: 'cust-zh-001', ttl_days: 7 },
      response: {
        url: 'https://dialwise.example.com/c/Y3VzdC16aC0wMDE.1797264164.ryybLpwn76EPn9nZYkaRHQ',
        expires_at: '2026-12-14T02:20:00.000Z',
      },
    },
    en: {
      summary: 'A consent link for 30 days',
      body: { customer_id: 'cust-en-001', ttl_days: 30 },
    },
  },
  'GET /export/kpis': {
    zh: {
      summary: '按大区导出今天的指标（北京时间，Excel 可直接打开）',
      query: { dimension: 'REGION', tz: 'Asia/Shanghai', bom: 'true', format: 'csv' },
    },
    en: {
      summary: 'KPIs by script version as Arrow, for a week',
      query: {
        dimension: 'SCRIPT_VERSION',
        format: 'arrow',
        from: '2026-11-30T00:00:00+08:00',
        to: '2026-12-07T00:00:00+08:00',
      },
    },
  },
  'GET /export/turns': {
    zh: {
      summary: '华东大区 12 月的通话语句（Arrow，给 pandas）',
      query: { format: 'arrow', region: 'east', from: '2026-12-01T00:00:00+08:00' },
    },
    en: {
      summary: 'Turns of the insurance line as Parquet',
      query: { format: 'parquet', product_line: 'insurance' },
    },
  },
  'GET /export/calls': {
    zh: {
      summary: '春季续保活动的通话（CSV，带 BOM）',
      query: { campaign_id: 'spring-renewal', bom: 'true' },
    },
    en: {
      summary: "This week's calls as Arrow",
      query: { format: 'arrow', from: '2026-11-30T00:00:00Z', to: '2026-12-07T00:00:00Z' },
    },
  },
  'GET /export/decisions': {
    zh: { summary: '所有决策记录（Parquet，做离线策略评估）', query: { format: 'parquet' } },
    en: {
      summary: 'Decisions of one script version as Arrow',
      query: { format: 'arrow', script_version: '2026-12-06' },
    },
  },
};
