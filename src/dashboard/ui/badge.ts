// Small coloured labels: status, roles, aliases, tags.
import { h } from './dom.js';

export type Tone = 'neutral' | 'info' | 'good' | 'warn' | 'bad' | 'accent';

export const badge = (text: string, tone: Tone = 'neutral', title?: string): HTMLElement =>
  h('span', { class: `badge badge-${tone}`, title }, text);

export const STATUS_TONE: Record<string, Tone> = {
  open: 'bad',
  acknowledged: 'warn',
  resolved: 'good',
};
