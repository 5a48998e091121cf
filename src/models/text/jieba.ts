import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

// Loading the dictionary takes ~200 ms, so it happens once, on the first Chinese text.
let jieba: Jieba | undefined;

/** Chinese word segmentation (jieba, default dictionary, HMM for unknown words). */
export function cutWords(text: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.cut(text, true);
}

/** Words with their part of speech (jieba's tags: n noun, nz proper noun, vn verbal noun, eng Latin…). */
export function tagWords(text: string): { word: string; tag: string }[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.tag(text, true);
}
