import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COMPLIANCE_CONFIG,
  createComplianceGuard,
} from '../../src/models/compliance/index.js';
import { evaluateCompliance, readComplianceSet } from '../../src/training/compliance/index.js';
import { HAS_ESPEAK } from '../helpers/espeak.js';
import { tmpDir } from '../helpers/tmp.js';

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, DIALWISE_LOG_LEVEL: 'warn' },
  });

if (!HAS_ESPEAK && process.env.DIALWISE_REQUIRE_SERVICES === '1')
  throw new Error('espeak-ng is required');
if (!HAS_ESPEAK) console.warn('skipping `dialwise prosody` test: espeak-ng is not installed');

describe('dialwise eval compliance / prosody', () => {
  it('scores the compliance rules on a labelled set, as the evaluation function does', async () => {
    const data = 'test/fixtures/compliance/held-out.jsonl';
    const { stdout } = await run(['eval', 'compliance', '--data', data]);
    const printed = JSON.parse(stdout);
    const direct = evaluateCompliance(
      createComplianceGuard(DEFAULT_COMPLIANCE_CONFIG),
      readComplianceSet(data),
    );
    expect(printed).toMatchObject({ precision: direct.precision, recall: direct.recall });
    expect(printed.records).toBeGreaterThan(100);
  });

  it.skipIf(!HAS_ESPEAK)('measures a WAV file into the fields of a dialog.turn', async () => {
    const dir = tmpDir();
    const at = (rate: number) => {
      const file = join(dir, `s${rate}.wav`);
      execFileSync('espeak-ng', ['-s', String(rate), '-w', file, 'please tell me what it costs']);
      return file;
    };
    const slow = JSON.parse((await run(['prosody', at(120)])).stdout).prosody;
    const fast = JSON.parse((await run(['prosody', at(300)])).stdout).prosody;
    expect(Object.keys(slow).sort()).toEqual([
      'energy_db',
      'pause_ratio',
      'pitch_hz',
      'rate_sps',
      'speech_s',
    ]);
    expect(fast.rate_sps).toBeGreaterThan(slow.rate_sps * 1.5);
    expect(fast.speech_s).toBeLessThan(slow.speech_s);
  });

  it('refuses a file that is not 16-bit PCM WAV, with the reason', async () => {
    const file = join(tmpDir(), 'not.wav');
    writeFileSync(file, 'hello');
    await expect(run(['prosody', file])).rejects.toThrow(/WAV|RIFF|short/i);
  });
});
