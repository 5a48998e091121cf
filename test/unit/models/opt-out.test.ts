import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectOptOut, type OptOut } from '../../../src/models/opt-out/index.js';
import { evaluateOptOut, loadOptOutRecords } from '../../../src/training/index.js';

type Expected = 'direct' | 'indirect' | 'channel' | 'threat' | 'english' | 'deferral' | 'none';

/** [turn, what it is]: a kind of opt-out, a deferral, or nothing. */
const CUSTOMER_ROWS: readonly (readonly [string, Expected])[] = [
  // Direct, with ASR slips, dialect and traditional characters.
  ['以后别打了', 'direct'],
  ['嗯 那个 不要再给我打电话了啊', 'direct'],
  ['别再联系我', 'direct'],
  ['麻烦把我号码删掉', 'direct'],
  ['从你们名单里把我去掉', 'direct'],
  ['拉黑吧', 'direct'],
  ['给我加入免打扰', 'direct'],
  ['别达了', 'direct'],
  ['你们别打电化了', 'direct'],
  ['莫打了莫打了', 'direct'],
  ['甭打了', 'direct'],
  ['不要再打来咯', 'direct'],
  ['你哋唔好再打俾我', 'direct'],
  ['以後不要再打來了', 'direct'],
  ['別再打電話給我了', 'direct'],
  ['不要联系我们', 'direct'],
  ['我要投诉你们 别再打了', 'direct'],
  // Indirect.
  ['说了多少遍了还打', 'indirect'],
  ['我不想再接到你们的电话', 'indirect'],
  ['我不需要你们再联系', 'indirect'],
  ['你们怎么又打来了', 'indirect'],
  ['天天打电话烦不烦', 'indirect'],
  ['你们有完没完', 'indirect'],
  ['以后你们的电话我都不接了', 'indirect'],
  ['你们还要打多少次', 'indirect'],
  ['我已经跟你们讲了两次了 还打', 'indirect'],
  // Channels.
  ['别给我发短信了', 'channel'],
  ['退订', 'channel'],
  ['TD', 'channel'],
  ['T', 'channel'],
  ['别加我微信', 'channel'],
  ['别加我微信吧', 'channel'],
  ['不要给我发微信了', 'channel'],
  ['短信也别发了', 'channel'],
  // Threats.
  ['再打我报警', 'threat'],
  ['再打就投诉到12315', 'threat'],
  ['再给我打电话我就打110', 'threat'],
  ['你再打一次试试', 'threat'],
  ['要是再打来我就去工信部', 'threat'],
  // English.
  ['Stop calling me!', 'english'],
  ["Don't call me again.", 'english'],
  ['take me off your list', 'english'],
  ['remove my number please', 'english'],
  ['put me on your do not call list', 'english'],
  ['leave me alone', 'english'],
  ['STOP', 'english'],
  ["I'll report you if you call again", 'english'],
  // Deferrals: a time to resume is offered or implied.
  ['这周别打 下周一再联系', 'deferral'],
  ['现在不要 明年可能需要', 'deferral'],
  ['今天先别打了 明天再说', 'deferral'],
  ['这两天别打 我出差', 'deferral'],
  ['上班时间别打 晚上可以', 'deferral'],
  ['not now, call me next week', 'deferral'],
  ["don't call me today, try tomorrow", 'deferral'],
  ['别打了 我下午给你回过去', 'deferral'],
  // Busy now: put off, unless the turn says it lasts or complains of the calls.
  ['我在开车 别打了', 'deferral'],
  ['我在开会 别打扰我', 'deferral'],
  ['在忙 以后别打了', 'direct'],
  ['天天打 我在上班 别打了', 'direct'],
  ['你们现在别再打了 烦死了', 'direct'],
  ["I'm busy, stop calling me", 'english'],
  // Another way to talk is offered: no withdrawal, unless the refusal is lasting.
  ['别打电话了 直接来公司谈吧', 'none'],
  ['别打电话了 微信上说吧', 'none'],
  ['以后别打电话了 有事微信联系', 'direct'],
  // A lasting refusal is not undone by a time in the same turn.
  ['这周别打 以后都别打了', 'direct'],
  ['明天也别打 把我号码删了', 'direct'],
  // Denials, other senses of 别/不要, plain refusals, complaints with no stop.
  ['我没说不让你们打', 'none'],
  ['我没说以后不要联系', 'none'],
  ['我没说要买 别打了', 'direct'],
  ['不是不让打 是现在忙', 'none'],
  ["i didn't say stop calling", 'none'],
  ['别挂', 'none'],
  ['别推销了 直接说优惠多少', 'none'],
  ['别再给我推销了', 'direct'],
  ['别着急 慢慢说', 'none'],
  ['不要紧', 'none'],
  ['不要钱吗', 'none'],
  ['别的公司便宜', 'none'],
  ['不要这个套餐', 'none'],
  ['不要了谢谢', 'none'],
  ['不需要', 'none'],
  ['no thanks', 'none'],
  ['不要联系我老板 找我就行', 'none'],
  ['别给我打折了 直接说多少钱', 'none'],
  ['我一直打不通你们客服', 'none'],
  ['我要投诉你们', 'none'],
  ['你们这是骚扰', 'none'],
  ["hold on, don't hang up", 'none'],
  ["I don't call it that", 'none'],
  ['I never call back unknown numbers', 'none'],
  ["don't bother explaining", 'none'],
  ['不要在电话里说', 'none'],
  // Threats: a condition on calling again, then any consequence.
  ['再打我就打一一零', 'threat'],
  ['再骚扰我就找记者曝光', 'threat'],
  ['你们再这么打下去我就去法院', 'threat'],
  ['再打我就发到网上去', 'threat'],
  ['别逼我报警', 'threat'],
  ['再打我就去你们公司闹', 'threat'],
  ["one more call and I'm calling my lawyer", 'english'],
  ['再不退款我就报警', 'none'],
  ['你们再这样拖着不退钱我就去法院起诉', 'none'],
  // Repeated calls with annoyance, hang-ups, blocking, pleading, consent, reports.
  ['这都第五次了 你们还打 有完没完', 'indirect'],
  ['一个礼拜打了七八次 我真的服了', 'indirect'],
  ['你们打了多少遍了 我说了不要', 'indirect'],
  ['今天都打了四个了', 'indirect'],
  ['我手机都被你们打爆了', 'indirect'],
  ['我每次接起来就挂', 'indirect'],
  ['你们的号码我都标记成骚扰了', 'indirect'],
  ['放过我吧 我真的不需要', 'indirect'],
  ['我从来没同意过你们打给我', 'indirect'],
  ['你们这是骚扰电话 我要投诉', 'indirect'],
  ['我把你们号码举报了', 'threat'],
  ['你们打了好几次我都没接到 不好意思 现在说吧', 'none'],
  ['别的公司天天打 烦死了 你们还好', 'none'],
  ['我天天打你们客服电话都打不通', 'none'],
  // Dialects: Cantonese, Wu, Sichuan.
  ['唔好再打嚟啦', 'direct'],
  ['咪再搵我啦', 'direct'],
  ['侬覅再打电话来了', 'direct'],
  ['莫再打老', 'direct'],
  ['不要给老子打了', 'direct'],
  // Not the customer's contact, not a request, someone else, coming to buy.
  ['怎么退订这个会员', 'none'],
  ['你们这个能退订吗', 'none'],
  ['把我的收货地址删了换成新的', 'none'],
  ['我拉黑了好多推销的 你们是正规公司吧', 'none'],
  ['不要打扰我老公休息 你跟我说', 'none'],
  ['别打我手机 打我办公室电话', 'none'],
  ['不用联系了 我已经下单了', 'none'],
  ['下午三点以后别打 我要接孩子 上午打吧', 'deferral'],
  ['我没有要退订', 'none'],
  // English.
  ['I never want to hear from you again', 'english'],
  ["you've called me five times today", 'english'],
  ["I'm sick of these calls", 'english'],
  ['I want to be removed from your list', 'english'],
  ["don't call me sir, call me John", 'none'],
  ['they never call me back', 'none'],
  ['I told you my address three times', 'none'],
];

const outcome = (r: OptOut): Expected =>
  r.optOut ? (r.kind as Expected) : r.deferral ? 'deferral' : 'none';

describe('detectOptOut, customer turns', () => {
  it.each(CUSTOMER_ROWS)('%s → %s', (text, expected) => {
    expect(outcome(detectOptOut(text))).toBe(expected);
  });

  it('keeps the matched phrase of the normalised turn as evidence', () => {
    expect(detectOptOut('嗯 以后 别再打了啊！')).toEqual({
      optOut: true,
      cue: '别再打了',
      kind: 'direct',
    });
    expect(detectOptOut("Please, don't call me again")).toMatchObject({ cue: 'dont call' });
  });

  it('reads nothing in an empty or punctuation-only turn', () => {
    expect(detectOptOut('')).toEqual({ optOut: false });
    expect(detectOptOut('。。。 ？')).toEqual({ optOut: false });
  });
});

const AGENT_ROWS: readonly (readonly [string, boolean])[] = [
  ['好的 已经把您的号码移出名单', true],
  ['以后不会再给您打电话了', true],
  ['我们登记了您不再接受来电', true],
  ['好的 马上帮您加入免打扰', true],
  ["I've removed you from our list", true],
  ["We won't call you again", true],
  ['已为您设置免打扰', true],
  ['我们删除了您的联系方式', true],
  ['好的 已经登记 以后不会再有电话打扰您', true],
  ["I'll make a note not to call you again", true],
  ['如果您不想再接到电话 我可以帮您移出名单', false],
  ['would you like me to take you off our list', false],
  ['那我先不打扰您了 您忙', false],
  ['请问以后还能联系您吗', false],
  ['要不要帮您移出名单', false],
  ['Shall I remove your number?', false],
  ['好的 不打扰您了 再见', false],
  ['您别着急 我慢慢说', false],
];

describe('detectOptOut, agent turns', () => {
  it.each(AGENT_ROWS)('%s → %s', (text, expected) => {
    const r = detectOptOut(text, 'agent');
    expect(r.optOut).toBe(expected);
    if (expected) expect(r.kind).toBe('agent_record');
  });

  it('reads a customer phrase in an agent turn as no withdrawal', () => {
    expect(detectOptOut('以后别打了')).toMatchObject({ optOut: true });
    expect(detectOptOut('以后别打了', 'agent')).toEqual({ optOut: false });
  });
});

/**
 * The dev sets: the first grew with the rules; the second was written by
 * another hand before the rules were widened for it; the third gathers
 * later probes, each written before the rules were run on it.
 */
const DEV_SETS: readonly (readonly [string, number])[] = [
  ['datasets/telesales/optout-train-1.jsonl', 160],
  ['datasets/telesales/optout-train-2.jsonl', 300],
  ['datasets/telesales/optout-train-3.jsonl', 300],
];

describe('the dev sets', () => {
  it.each(DEV_SETS)('%s is detected with recall ≥ 0.98 at precision ≥ 0.95', async (path, size) => {
    const records = await loadOptOutRecords(path);
    expect(records.length).toBeGreaterThanOrEqual(size);
    const r = evaluateOptOut(records);
    expect(r.records).toBe(records.length);
    expect(r.recall, JSON.stringify(r.misses)).toBeGreaterThanOrEqual(0.98);
    expect(r.precision, JSON.stringify(r.misses)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('evaluateOptOut', () => {
  const records = [
    { text: 'a', label: true }, // tp
    { text: 'b', label: true }, // fn
    { text: 'c', label: false }, // fp
    { text: 'd', label: false }, // tn
    { text: 'e', label: true }, // tp
  ];
  const detect = (t: string): boolean => t === 'a' || t === 'c' || t === 'e';

  it('counts outcomes and lists every miss with what was predicted', () => {
    expect(evaluateOptOut(records, detect)).toEqual({
      records: 5,
      tp: 2,
      fp: 1,
      fn: 1,
      tn: 1,
      precision: 0.6667,
      recall: 0.6667,
      f1: 0.6667,
      misses: [
        { text: 'b', label: true, predicted: false },
        { text: 'c', label: false, predicted: true },
      ],
    });
  });

  it('scores 0 where nothing is predicted', () => {
    expect(evaluateOptOut(records, () => false)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
});

describe('loadOptOutRecords', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opt-out-'));
  const file = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it('reads text and label, keeps a speaker, skips blank lines, ignores other fields', async () => {
    const path = file(
      'ok.jsonl',
      '{"text":"别打了","label":true,"kind":"direct"}\n\n{"text":"好的 已移出名单","label":true,"speaker":"agent"}\n',
    );
    expect(await loadOptOutRecords(path)).toEqual([
      { text: '别打了', label: true },
      { text: '好的 已移出名单', label: true, speaker: 'agent' },
    ]);
  });

  it('leaves out a line that is not JSON or has a wrong label or speaker, summarised with its line', async () => {
    const path = file(
      'mixed.jsonl',
      '{"text":"a","label":true}\n{oops\n{"text":"b","label":[true]}\n{"text":"c","label":1,"speaker":"bot"}\n',
    );
    const said: string[] = [];
    expect(await loadOptOutRecords(path, {}, (m) => said.push(m))).toEqual([
      { text: 'a', label: true },
    ]);
    expect(said.join()).toMatch(/1 line read, these left out:/);
    expect(said.join()).toMatch(/1 line: not JSON \(line 2\)/);
    expect(said.join()).toMatch(
      /1 line: "label" is not a boolean, 0\/1, yes\/no or an intent label \(line 3\)/,
    );
    expect(said.join()).toMatch(/1 line: "speaker" is neither customer nor agent \(line 4\)/);
  });

  it('reads a CSV with fields of the user’s choice, and refuses a file with nothing usable', async () => {
    const csv = file('turns.csv', 'utterance,opted\n别再打了,1\n好的,0\n');
    const fields = { textField: 'utterance', labelField: 'opted' };
    expect(await loadOptOutRecords(csv, fields)).toEqual([
      { text: '别再打了', label: true },
      { text: '好的', label: false },
    ]);
    await expect(loadOptOutRecords(csv)).rejects.toThrow(/no usable line/);
  });

  it.each([
    [true, true],
    [false, false],
    [1, true],
    [0, false],
    ['yes', true],
    ['False', false],
    ['opt_out', true],
    ['complaint', false],
  ])('reads the label %j as %s (an intent file scores as opt-outs)', async (label, want) => {
    const path = file('labels.jsonl', `${JSON.stringify({ text: 'x', label })}\n`);
    expect((await loadOptOutRecords(path))[0]!.label).toBe(want);
  });
});
