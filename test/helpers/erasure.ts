/** A customer's life in events, with words and personal data that a byte search can find. */
export function customerStory(id: string, opts: { name: string; phone: string; word: string }) {
  let n = 0;
  const base = (type: string, minute: number) => ({
    event_id: `${id}-${type}-${++n}-0000`,
    type,
    ts: new Date(Date.parse('2026-11-20T01:00:00Z') + minute * 60_000).toISOString(),
    schema_version: 1,
    customer_id: id,
  });
  const call = `call-${id}`;
  const turn = (t: number, speaker: string, text: string) => ({
    ...base('dialog.turn', 2 + t),
    call_id: call,
    turn: t,
    speaker,
    text,
    asr_confidence: 0.9,
  });
  return [
    {
      ...base('customer.updated', 0),
      fields: { name: opts.name, phone: opts.phone, region: 'east', crm_owner: 'li.na' },
    },
    { ...base('web.visit', 1), page: '/pricing', product: 'wealth' },
    {
      ...base('call.started', 2),
      call_id: call,
      campaign_id: 'spring',
      script_id: 'intro',
      script_version: 'v2',
      handled_by: 'bot',
      region: 'east',
      product_line: 'wealth',
    },
    { ...base('call.answered', 2), call_id: call },
    turn(1, 'bot', `您好，请问是${opts.name}吗？`),
    turn(2, 'customer', `我想问问 ${opts.word} 的价格，预算二十万`),
    turn(3, 'bot', '本产品保证收益，年化百分之五'),
    turn(4, 'customer', `别再打了，${opts.word} 我不要了`),
    {
      ...base('consent.changed', 8),
      scope: 'sms',
      granted: false,
      evidence: { source: 'sms_reply', text: `退订 ${opts.word}` },
    },
    {
      ...base('correction.submitted', 9),
      call_id: call,
      turn: 2,
      corrected_text: `我想问问 ${opts.word} 的价格`,
      corrected_intent: 'ask_price',
      submitted_by: 'agent-017',
    },
    { ...base('call.ended', 10), call_id: call, duration_s: 60, outcome: 'rejected' },
    { ...base('touch.sent', 11), touch_id: `sms-${id}`, channel: 'sms' },
    {
      ...base('touch.replied', 12),
      touch_id: `sms-${id}`,
      channel: 'sms',
      text: `${opts.word} 收到`,
    },
    {
      ...base('callback.scheduled', 13),
      call_id: call,
      at: '2026-11-21T07:00:00Z',
      source: 'agent',
    },
  ];
}
