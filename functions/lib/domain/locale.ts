/**
 * The language a response is written in. Text is stored in Mainland Simplified Chinese; callers in Hong Kong, Macao
 * and Taiwan read Traditional Chinese, converted on the way out (see `localizeResult` in text.ts). Pure: no I/O.
 */

/** The locales a response can be written in; `zh-CN` (Simplified, as stored) is the default. */
export const LOCALES = ['zh-CN', 'zh-HK', 'zh-MO', 'zh-TW'] as const;
export type Locale = (typeof LOCALES)[number];

/** The stored text's locale: what a caller gets unless it asks for another. */
export const DEFAULT_LOCALE: Locale = 'zh-CN';

/**
 * The opencc-js target of a Traditional locale: `hk` for Hong Kong and Macao (Macao writes as Hong Kong does), `tw` for
 * Taiwan (character forms only, not `twp`'s vocabulary: see docs/i18n.md); null for Simplified (nothing to convert).
 */
export type ScriptVariant = 'hk' | 'tw';

/** The conversion a locale needs, null for the stored Simplified. */
export function variantOf(locale: Locale): ScriptVariant | null {
  if (locale === 'zh-HK' || locale === 'zh-MO') return 'hk';
  if (locale === 'zh-TW') return 'tw';
  return null;
}

/** One language range of an Accept-Language header with its quality. */
export interface LanguageRange {
  range: string;
  q: number;
}

/** Most ranges of one header that are considered (a header is client input: a long one is cut, not parsed whole). */
export const MAX_LANGUAGE_RANGES = 20;

/**
 * The ranges of an Accept-Language header (RFC 9110 §12.5.4), best first; equal qualities keep their order. A
 * missing or malformed quality counts as 1, one outside [0, 1] is clamped; empty and malformed ranges are dropped.
 */
export function parseAcceptLanguage(header: string | null | undefined): LanguageRange[] {
  if (!header) return [];
  const ranges: LanguageRange[] = [];
  for (const part of header.split(',').slice(0, MAX_LANGUAGE_RANGES)) {
    const [rawRange, ...params] = part.split(';').map((s) => s.trim());
    const range = rawRange ?? '';
    if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/i.test(range)) continue;
    let q = 1;
    for (const param of params) {
      const m = /^q\s*=\s*([0-9.]+)$/i.exec(param);
      if (m) q = Math.min(1, Math.max(0, Number.parseFloat(m[1] ?? '1') || 0));
    }
    ranges.push({ range, q });
  }
  // Array.prototype.sort is stable: ranges of equal quality stay in the order the client wrote them.
  return ranges.sort((a, b) => b.q - a.q);
}

/**
 * The locale a language tag or range names, or null when it names none we write: `zh-HK`, `zh-Hant-HK` → zh-HK; `zh-MO` →
 * zh-MO; `zh-TW` → zh-TW; `zh-Hant` alone → zh-HK (our Traditional readers are Hong Kong and Macao partners); `zh`,
 * `zh-CN`, `zh-SG`, `zh-Hans…` → zh-CN. Case-insensitive. `*` and other languages (we write no English) name none.
 */
export function localeOfTag(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const [language, ...rest] = tag.trim().toLowerCase().replace(/_/g, '-').split('-');
  if (language !== 'zh') return null;
  const subtags = new Set(rest);
  if (subtags.has('hk')) return 'zh-HK';
  if (subtags.has('mo')) return 'zh-MO';
  if (subtags.has('tw')) return 'zh-TW';
  if (subtags.has('cn') || subtags.has('sg') || subtags.has('hans')) return 'zh-CN';
  if (subtags.has('hant')) return 'zh-HK';
  return 'zh-CN';
}

/** How a response's locale was chosen: by the request's header, by the caller's stored preference, or by default. */
export interface NegotiatedLocale {
  locale: Locale;
  source: 'header' | 'preference' | 'default';
}

/**
 * The locale of a response: the best range of `acceptLanguage` (by quality, q=0 never chosen) that names one of ours;
 * when none does (no header, `*`, only other languages), the caller's `preferredLanguage` when it names one; else zh-CN.
 * A header that names Simplified (`zh-CN`) overrides a Traditional preference.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined, preferredLanguage: string | null | undefined): NegotiatedLocale {
  for (const { range, q } of parseAcceptLanguage(acceptLanguage)) {
    if (q <= 0) continue;
    const locale = localeOfTag(range);
    if (locale) return { locale, source: 'header' };
  }
  const preferred = localeOfTag(preferredLanguage);
  if (preferred) return { locale: preferred, source: 'preference' };
  return { locale: DEFAULT_LOCALE, source: 'default' };
}

const HAN = /\p{Script=Han}/u;
/** Keys whose values are identifiers, never text, whatever characters they hold: ids, cursors, type names. */
const IDENTIFIER_KEY = /^(id|cursor|__typename)$|(Id|Ids|Cursor)$/;

/** Whether a response string is Chinese text to convert: it holds a Han character (ids, enums, phones, e-mails, URLs and base64 hold none). */
export const isChineseText = (value: string): boolean => HAN.test(value);

/**
 * A copy of a GraphQL result's `data` with every Chinese text string converted (each distinct string once); ids,
 * cursors and `__typename` under their usual keys, strings without a Han character, numbers and booleans as they are.
 */
export function localizeData<T>(data: T, convert: (text: string) => string): T {
  const converted = new Map<string, string>();
  const text = (s: string): string => {
    if (!isChineseText(s)) return s;
    let out = converted.get(s);
    if (out === undefined) converted.set(s, (out = convert(s)));
    return out;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) copy[key] = IDENTIFIER_KEY.test(key) ? v : walk(v);
      return copy;
    }
    return value;
  };
  return walk(data) as T;
}
