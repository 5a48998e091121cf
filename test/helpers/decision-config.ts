import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from './tmp.js';

/** The shipped decision config with calls and messages allowed around the clock, so a test runs any time. */
export function allDayDecisionConfig(): string {
  const dir = tmpDir();
  for (const f of [
    'dialog-flow.json',
    'scripts.json',
    'transfer.json',
    'agents.json',
    'generation.json',
  ])
    copyFileSync(join('config', f), join(dir, f));
  const dialing = JSON.parse(readFileSync('config/dialing.json', 'utf8'));
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  for (const seg of Object.values<{ windows: unknown[] }>(dialing.segments))
    seg.windows = [{ days, from: '00:00', to: '23:59' }];
  for (const c of Object.values<{ messageHours: unknown }>(dialing.campaigns))
    c.messageHours = { from: '00:00', to: '24:00' };
  dialing.holidays = {};
  // Any hour is as good as another here: nobody waits for a better one.
  delete dialing.deferBelow;
  writeFileSync(join(dir, 'dialing.json'), JSON.stringify(dialing));
  return dir;
}
