/**
 * Text analysis for search and matching: Traditional → Simplified (opencc-js), jieba segmentation in search mode
 * with a domain dictionary, stop words and meaningless single characters dropped, and pinyin for names.
 *
 * The analysers are deterministic (same text, same terms) but heavy to load (jieba's dictionary ~270 ms, opencc's
 * tables, pinyin-pro's dictionary), so `textAnalyzer()` loads them once, lazily, on the first text written or
 * searched: a cold start that reads no text (most requests) never pays for them.
 */
import { DOMAINS } from '../vocabulary.js';
import type { ScriptVariant } from './locale.js';

/** Most terms one entity is indexed under (one index item each; the title's terms first, then keywords, then description). */
export const MAX_TERMS_PER_ENTITY = 24;
/** Most terms of a query that are looked up (one Query each). */
export const MAX_QUERY_TERMS = 8;

/** Where a term was found, and what it weighs in ranking: title > keywords > description. */
export const FIELD_WEIGHTS = { title: 3, keywords: 2, description: 1 } as const;
export type TextField = keyof typeof FIELD_WEIGHTS;

/** The text of an entity to index: a name (for pinyin) counts as its title. */
export interface IndexedText {
  title: string;
  keywords?: readonly string[];
  description?: string | null;
  /** A person's or body's name: also indexed by full pinyin and initials. */
  name?: string | null;
}

/** One index term of an entity with its weight (the heaviest field it appears in). */
export interface WeightedTerm {
  term: string;
  weight: number;
}

/**
 * Terms of the 22 domains and of their common subjects, added to jieba's dictionary so they stay whole words
 * (「病虫害」, 「植物保护」, 「智能制造」) and are cut into their parts too in search mode.
 */
export const DOMAIN_DICTIONARY: readonly string[] = [
  ...DOMAINS.map((d) => d.zh),
  ...['病虫害', '病虫害防治', '植物保护', '植保', '荔枝', '荔枝园', '龙眼', '柑橘', '果树', '栽培', '土壤改良', '水肥一体化', '农产品'],
  ...['畜禽', '兽医', '疫病防控', '水产', '鱼塘', '养殖', '食品安全', '冷链', '保鲜', '中草药', '中医', '针灸'],
  ...['人工智能', '大数据', '物联网', '工业互联网', '数字化转型', '工业机器人', '数控机床', '新材料', '锂电池', '光伏', '储能'],
  ...['污水处理', '固废', '碳中和', '生态修复', '海洋牧场', '应急管理', '安全生产', '科普', '知识产权', '专利', '乡村振兴'],
];

/** Function words and fillers that say nothing about a subject. */
const STOP_WORDS = new Set(
  [
    ...['的', '了', '和', '与', '及', '或', '是', '在', '有', '我', '我们', '你', '他', '她', '它', '这', '那', '这个', '那个', '一个'],
    ...['为', '对', '把', '被', '从', '到', '等', '等等', '以及', '进行', '关于', '需要', '希望', '请', '帮助', '问题', '如何', '怎么'],
    ...['什么', '可以', '能够', '一些', '相关', '方面', '情况', '目前', '今年', '我们的', '并且', '而且', '但是', '因为', '所以', '如果'],
    ...['the', 'and', 'or', 'of', 'for', 'to', 'in', 'on', 'a', 'an', 'with', 'by', 'is', 'are'],
  ].map((w) => w.toLowerCase()),
);

/** Single characters that name a subject on their own (most single characters are particles or fragments). */
const MEANINGFUL_SINGLES = new Set([
  '茶',
  '稻',
  '菜',
  '果',
  '鱼',
  '虾',
  '蟹',
  '猪',
  '牛',
  '羊',
  '鸡',
  '鸭',
  '鹅',
  '蜂',
  '桑',
  '蚕',
  '竹',
  '药',
  '水',
  '电',
  '光',
  '氢',
]);

const SEPARATOR = /[\s\p{P}\p{S}]+/u;
const HAN = /\p{Script=Han}/u;
const LATIN_QUERY = /^[a-z\s']+$/;

/** True when a segment is worth indexing: not a stop word, not punctuation, not a lone character without meaning. */
export function isMeaningful(word: string): boolean {
  const w = word.trim();
  if (w.length === 0 || SEPARATOR.test(w) || STOP_WORDS.has(w)) return false;
  if ([...w].length === 1) return HAN.test(w) ? MEANINGFUL_SINGLES.has(w) : false;
  return true;
}

/** The loaded analysers. */
export interface TextAnalyzer {
  /** Simplified, NFKC-normalised, lower-case text. */
  normalize(text: string): string;
  /** Meaningful search-mode segments of the text, in order, each once. */
  segment(text: string): string[];
  /** Index terms of an entity, heaviest field first, at most `MAX_TERMS_PER_ENTITY`. */
  indexTerms(text: IndexedText): WeightedTerm[];
  /** Terms of a query as typed: segments, or one pinyin word for a Latin query (「chen zhi ming」 → chenzhiming). */
  queryTerms(query: string): string[];
  /** Full pinyin (joined, no tones) and initials of a name; polyphonic surnames read as surnames (曾 zeng, 单 shan, 解 xie). */
  nameTerms(name: string): string[];
}

/** Jieba's segmenter, opencc's converters and pinyin-pro's reader, as `createTextAnalyzer` needs them. */
export interface TextEngines {
  cutForSearch: (text: string) => string[];
  toSimplified: (text: string) => string;
  pinyinSyllables: (name: string, pattern: 'pinyin' | 'first') => string[];
}

/** The analyser over loaded engines (pure given the engines; `textAnalyzer()` loads the real ones). */
export function createTextAnalyzer(engines: TextEngines): TextAnalyzer {
  const normalize = (text: string) => engines.toSimplified(text.normalize('NFKC')).toLowerCase();
  const segment = (text: string): string[] => {
    const words = engines.cutForSearch(normalize(text)).map((w) => w.trim());
    return [...new Set(words.filter(isMeaningful))];
  };
  const nameTerms = (name: string): string[] => {
    const clean = normalize(name).replace(/\s+/g, '');
    if (!HAN.test(clean)) return [];
    const full = engines.pinyinSyllables(clean, 'pinyin').join('');
    const initials = engines.pinyinSyllables(clean, 'first').join('');
    return [...new Set([clean, full, initials].filter((t) => /^[a-z]{2,}$/.test(t) || HAN.test(t)))];
  };
  const indexTerms = (text: IndexedText): WeightedTerm[] => {
    const weights = new Map<string, number>();
    const add = (terms: string[], weight: number) => {
      for (const t of terms) if ((weights.get(t) ?? 0) < weight) weights.set(t, weight);
    };
    if (text.name) add(nameTerms(text.name), FIELD_WEIGHTS.title);
    add(segment(text.title), FIELD_WEIGHTS.title);
    for (const k of text.keywords ?? []) add([normalize(k).trim(), ...segment(k)].filter(isMeaningful), FIELD_WEIGHTS.keywords);
    if (text.description) add(segment(text.description), FIELD_WEIGHTS.description);
    // Map order is insertion order: within a weight, the earlier (more prominent) term wins the cap.
    return [...weights]
      .map(([term, weight]) => ({ term, weight }))
      .sort((a, b) => b.weight - a.weight)
      .slice(0, MAX_TERMS_PER_ENTITY);
  };
  const queryTerms = (query: string): string[] => {
    const q = normalize(query).trim();
    // A Latin query is pinyin as typed: 「chen zhi ming」, 「chenzhiming」 and 「czm」 are one word each.
    if (LATIN_QUERY.test(q)) {
      const word = q.replace(/[\s']+/g, '');
      return word.length >= 2 ? [word] : [];
    }
    return segment(q).slice(0, MAX_QUERY_TERMS);
  };
  return { normalize, segment, indexTerms, queryTerms, nameTerms };
}

/** A part of a text, marked when it is a matched term. */
export interface HighlightPart {
  text: string;
  matched: boolean;
}

/**
 * Marks every occurrence of the terms in the text, longest term first at each position. `normalized` is the text
 * as analysed (Simplified, lower case); when it is as long as the original the marks are placed on the original
 * (the usual case: conversion is character by character), otherwise on the normalized text.
 */
export function highlightParts(original: string, normalized: string, terms: readonly string[]): HighlightPart[] {
  const shown = normalized.length === original.length ? original : normalized;
  const sorted = [...new Set(terms)].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  const parts: HighlightPart[] = [];
  let plain = '';
  for (let i = 0; i < normalized.length;) {
    const hit = sorted.find((t) => normalized.startsWith(t, i));
    if (hit) {
      if (plain) parts.push({ text: plain, matched: false });
      plain = '';
      parts.push({ text: shown.slice(i, i + hit.length), matched: true });
      i += hit.length;
    } else {
      plain += shown[i];
      i += 1;
    }
  }
  if (plain) parts.push({ text: plain, matched: false });
  return parts;
}

/** The highlight of a text as one string, matched terms in 【】; null when no term occurs in it. */
export function highlight(original: string, normalized: string, terms: readonly string[]): string | null {
  const parts = highlightParts(original, normalized, terms);
  return parts.some((p) => p.matched) ? parts.map((p) => (p.matched ? `【${p.text}】` : p.text)).join('') : null;
}

/** The relevance of an entity to a query: the sum of the weights of the query terms it was indexed under. */
export const relevance = (weights: readonly number[]): number => weights.reduce((a, b) => a + b, 0);

/** Ranking order of search hits: higher relevance first, then newer first, then by id (a stable order for pages). */
export function compareHits(a: { score: number; createdAt: string; id: string }, b: { score: number; createdAt: string; id: string }): number {
  return b.score - a.score || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
}

let loading: Promise<TextAnalyzer> | undefined;
let simplifying: Promise<(text: string) => string> | undefined;

/** Traditional → Mainland Simplified, loaded on first use and kept (opencc-js's t2cn tables only, ~110 KB). */
export function simplifier(): Promise<(text: string) => string> {
  simplifying ??= (async () => {
    const opencc = await import('opencc-js/t2cn');
    // Hong Kong and Taiwan variants and phrases both become Mainland Simplified.
    const fromHongKong = opencc.Converter({ from: 'hk', to: 'cn' });
    const fromTaiwan = opencc.Converter({ from: 'twp', to: 'cn' });
    return (text: string) => fromTaiwan(fromHongKong(text));
  })();
  return simplifying;
}

/**
 * The Simplified form of a text written in Traditional (Hong Kong or Taiwan forms), other text as it is, exactly as the
 * search analyser normalizes it (so stored text and its search terms agree):
 * how text a partner writes is stored (keywords, affiliation, bio; names are stored as given, their search terms are
 * Simplified) and how a Traditional keyword finds its Simplified record.
 */
export async function toSimplified(text: string): Promise<string> {
  return (await simplifier())(text);
}

type OpenCC = typeof import('opencc-js/cn2t');
let fromSimplified: Promise<{ opencc: OpenCC; s2t: (text: string) => string }> | undefined;
const traditional = new Map<ScriptVariant, Promise<(text: string) => string>>();

/** A dictionary set of opencc-js's preset; missing would be a broken install, not a request's fault. */
function dictionaries(groups: OpenCC['Locale']['from'], name: string): NonNullable<OpenCC['Locale']['from'][string]> {
  const found = groups[name];
  if (!found) throw new Error(`opencc-js has no ${name} dictionaries`);
  return found;
}

/**
 * Mainland Simplified → Traditional of a variant (`hk`: Hong Kong forms, for zh-HK and zh-MO; `tw`: Taiwan forms), loaded
 * on the first response that asks for one and kept per variant. Only Traditional requests pay for it: the Simplified →
 * Traditional phrase table (~1 MB) is parsed and built once (~200 ms) and shared by both variants, whose own tables are small.
 */
export function traditionalConverter(variant: ScriptVariant): Promise<(text: string) => string> {
  let converter = traditional.get(variant);
  if (!converter) {
    fromSimplified ??= import('opencc-js/cn2t').then((opencc) => ({ opencc, s2t: opencc.ConverterFactory(dictionaries(opencc.Locale.from, 'cn')) }));
    converter = fromSimplified.then(({ opencc, s2t }) => {
      const toVariant = opencc.ConverterFactory(dictionaries(opencc.Locale.to, variant));
      return (text: string) => toVariant(s2t(text));
    });
    traditional.set(variant, converter);
    // A failed load (a broken install) is tried again by the next request rather than kept.
    converter.catch(() => traditional.delete(variant));
  }
  return converter;
}

/** The real analyser, loaded on first use (jieba with its dictionary and ours, opencc, pinyin-pro) and kept. */
export function textAnalyzer(): Promise<TextAnalyzer> {
  loading ??= (async () => {
    const [{ Jieba }, { dict }, simplified, { pinyin }] = await Promise.all([
      import('@node-rs/jieba'),
      import('@node-rs/jieba/dict.js'),
      simplifier(),
      import('pinyin-pro'),
    ]);
    const jieba = Jieba.withDict(dict);
    jieba.loadDict(new TextEncoder().encode(DOMAIN_DICTIONARY.map((w) => `${w} 2000 n`).join('\n')));
    return createTextAnalyzer({
      cutForSearch: (text) => jieba.cutForSearch(text, true),
      toSimplified: simplified,
      pinyinSyllables: (name, pattern) => pinyin(name, { pattern, toneType: 'none', type: 'array', surname: 'head', v: true }),
    });
  })();
  return loading;
}

/** One entity's hit on one query term, as read from a term item. */
export interface TermMatch<T extends string = string> {
  type: T;
  id: string;
  term: string;
  weight: number;
  createdAt: string;
}

/** A ranked search candidate: one entity with every query term it matched. */
export interface RankedHit<T extends string = string> {
  type: T;
  id: string;
  score: number;
  createdAt: string;
  matchedTerms: string[];
}

/** Groups term matches by entity, sums their weights (each term once) and ranks them (see `compareHits`). */
export function rankHits<T extends string>(matches: ReadonlyArray<TermMatch<T>>): Array<RankedHit<T>> {
  const byEntity = new Map<string, RankedHit<T> & { weights: Map<string, number> }>();
  for (const m of matches) {
    const key = `${m.type}#${m.id}`;
    const hit = byEntity.get(key) ?? { type: m.type, id: m.id, score: 0, createdAt: m.createdAt, matchedTerms: [], weights: new Map<string, number>() };
    hit.weights.set(m.term, Math.max(hit.weights.get(m.term) ?? 0, m.weight));
    byEntity.set(key, hit);
  }
  return [...byEntity.values()]
    .map(({ weights, ...hit }) => ({ ...hit, score: relevance([...weights.values()]), matchedTerms: [...weights.keys()] }))
    .sort((a, b) => compareHits(a, b) || a.type.localeCompare(b.type));
}

/** The text an expert is indexed by: its name (and the name's pinyin) as a title, keywords, then affiliation and bio. */
export function expertIndexedText(e: { name: string; keywords: readonly string[]; affiliation: string | null; bio: string | null }): IndexedText {
  const description = [e.affiliation, e.bio].filter((t): t is string => Boolean(t)).join('\n');
  return { title: e.name, name: e.name, keywords: e.keywords, description };
}

/** The text an organization or team is indexed by: its name (and the name's pinyin) as a title, then its description. */
export const namedIndexedText = (name: string, description: string | null = null): IndexedText => ({ title: name, name, description });
