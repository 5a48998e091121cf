import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblems, parseDelimited, readLabelled } from '../../src/datasets/labelled-file.js';
import { tmpDir } from '../helpers/tmp.js';

const file = (name: string, text: string) => {
  const path = join(tmpDir(), name);
  writeFileSync(path, text);
  return path;
};

describe('labelled texts as people bring them', () => {
  it('parses quoted CSV: commas, doubled quotes, newlines, CRLF, a byte-order mark', () => {
    const rows = parseDelimited(
      '\ufefftext,label\r\n"你好, 我想了解","yes"\r\n"say ""hi""\nthere",no\n',
      ',',
    );
    expect(rows).toEqual([
      { fields: ['text', 'label'], line: 1 },
      { fields: ['你好, 我想了解', 'yes'], line: 2 },
      { fields: ['say "hi"\nthere', 'no'], line: 3 },
    ]);
  });

  it('reads CSV and TSV with a header, fields of the user’s choice, numeric and boolean labels', () => {
    const csv = file('reviews.csv', 'content,stars\n太贵了,1\n"好的，下午打给我",5\n');
    expect(
      readLabelled(csv, 'train', { textField: 'content', labelField: 'stars' }).records,
    ).toEqual([
      { text: '太贵了', label: '1' },
      { text: '好的，下午打给我', label: '5' },
    ]);
    const tsv = file('optout.tsv', 'utterance\tlabel\n别再打了\ttrue\n');
    expect(readLabelled(tsv, 'train', { textField: 'utterance' }).records).toEqual([
      { text: '别再打了', label: 'true' },
    ]);
    const jsonl = file(
      'a.jsonl',
      '{"content":"在吗","intent":0}\n{"content":"嗯","intent":true}\n',
    );
    expect(
      readLabelled(jsonl, 'train', { textField: 'content', labelField: 'intent' }).records,
    ).toEqual([
      { text: '在吗', label: '0' },
      { text: '嗯', label: 'true' },
    ]);
  });

  it('takes a folder’s train, valid or test file, and says what a folder lacks', () => {
    const dir = join(tmpDir(), 'set');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train.csv'), 'text,label\na,x\n');
    writeFileSync(join(dir, 'test.jsonl'), '{"text":"b","label":"y"}\n');
    expect(readLabelled(dir, 'train').records).toEqual([{ text: 'a', label: 'x' }]);
    expect(readLabelled(dir, 'test').records).toEqual([{ text: 'b', label: 'y' }]);
    expect(() => readLabelled(dir, 'valid')).toThrow(/needs valid\.jsonl\|.*it holds/);
    expect(() => readLabelled(join(dir, 'nope.csv'), 'train')).toThrow(/no such file/);
  });

  it('leaves bad lines out, one summary line per problem with counts and first lines', () => {
    const lines = [
      '{"text":"ok","label":"a"}',
      'not json',
      '{"content":"wrong field","label":"a"}',
      '{"text":"no label"}',
      '{"text":"no label either","label":""}',
      '[1,2]',
      'also not json',
    ];
    const { records, problems } = readLabelled(file('mixed.jsonl', lines.join('\n')), 'train');
    expect(records).toEqual([{ text: 'ok', label: 'a' }]);
    const summary = formatProblems(problems);
    expect(summary).toMatch(/2 lines: not JSON \(line 2, 7\)/);
    expect(summary).toMatch(/1 line: no field "text" \(it has content, label\) \(line 3\)/);
    expect(summary).toMatch(/1 line: no field "label" \(it has text\) \(line 4\)/);
    expect(summary).toMatch(
      /1 line: "label" is not a non-empty string, number or boolean \(line 5\)/,
    );
    expect(summary).toMatch(/1 line: not a JSON object \(line 6\)/);
    expect(summary.split('\n')).toHaveLength(5);
  });

  it('refuses a file with no usable line, naming why (never a stack trace)', () => {
    const csv = file('wrong.csv', 'content,intent\n你好,greet\n');
    expect(() => readLabelled(csv, 'train')).toThrow(
      /no usable line\n {2}1 line: no field "text" \(it has content, intent\) \(line 2\)/,
    );
    const ragged = file('ragged.csv', 'text,label\na,b,c\n');
    expect(() => readLabelled(ragged, 'train')).toThrow(/3 columns where the header has 2/);
  });
});
