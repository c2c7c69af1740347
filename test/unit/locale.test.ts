import { describe, expect, it } from 'vitest';
import { localeOfTag, localizeData, negotiateLocale, parseAcceptLanguage, variantOf, isChineseText } from '../../functions/lib/domain/locale.js';
import { toSimplified, traditionalConverter } from '../../functions/lib/domain/text.js';
import { MAX_ACCEPT_LANGUAGE_LENGTH, acceptLanguageFrom } from '../../functions/lib/realtime/protocol.js';

describe('Function: parseAcceptLanguage', () => {
  it('orders ranges by quality, keeping the written order among equals', () => {
    expect(parseAcceptLanguage('en;q=0.5, zh-HK;q=0.9, zh-MO, fr;q=0.9')).toEqual([
      { range: 'zh-MO', q: 1 },
      { range: 'zh-HK', q: 0.9 },
      { range: 'fr', q: 0.9 },
      { range: 'en', q: 0.5 },
    ]);
  });

  it('drops malformed ranges and clamps qualities', () => {
    expect(parseAcceptLanguage('zh-HK;q=7, ;q=1, <script>, *;q=0.1')).toEqual([
      { range: 'zh-HK', q: 1 },
      { range: '*', q: 0.1 },
    ]);
    expect(parseAcceptLanguage(null)).toEqual([]);
  });
});

describe('Function: localeOfTag', () => {
  it('names the locale of Chinese tags in any case, with or without a script', () => {
    expect(['zh-HK', 'zh-hk', 'zh-Hant-HK', 'zh_HK'].map(localeOfTag)).toEqual(['zh-HK', 'zh-HK', 'zh-HK', 'zh-HK']);
    expect(['zh-MO', 'zh-Hant-MO', 'zh-TW', 'zh-Hant-TW'].map(localeOfTag)).toEqual(['zh-MO', 'zh-MO', 'zh-TW', 'zh-TW']);
    expect(['zh', 'zh-CN', 'zh-Hans', 'zh-SG', 'zh-Hans-HK'].map(localeOfTag)).toEqual(['zh-CN', 'zh-CN', 'zh-CN', 'zh-CN', 'zh-HK']);
    expect(localeOfTag('zh-Hant')).toBe('zh-HK');
  });

  it('names none for other languages and the wildcard', () => {
    expect(['en', 'en-HK', 'pt-MO', '*', '', null].map(localeOfTag)).toEqual([null, null, null, null, null, null]);
  });
});

describe('Function: negotiateLocale', () => {
  it('takes the best range of the header that names a locale we write', () => {
    expect(negotiateLocale('zh-HK;q=0.9, en;q=0.5', null)).toEqual({ locale: 'zh-HK', source: 'header' });
    expect(negotiateLocale('en, zh-TW;q=0.8', null)).toEqual({ locale: 'zh-TW', source: 'header' });
    expect(negotiateLocale('zh-MO', null).locale).toBe('zh-MO');
  });

  it('never chooses a range of quality 0', () => {
    expect(negotiateLocale('zh-HK;q=0, zh-TW;q=0.2', null).locale).toBe('zh-TW');
    expect(negotiateLocale('zh-HK;q=0', null)).toEqual({ locale: 'zh-CN', source: 'default' });
  });

  it("applies the caller's preference when no header chooses, and the header over it", () => {
    expect(negotiateLocale(null, 'zh-HK')).toEqual({ locale: 'zh-HK', source: 'preference' });
    expect(negotiateLocale('en, *', 'zh-MO')).toEqual({ locale: 'zh-MO', source: 'preference' });
    expect(negotiateLocale('zh-CN', 'zh-HK')).toEqual({ locale: 'zh-CN', source: 'header' });
    expect(negotiateLocale('zh-TW', 'zh-HK')).toEqual({ locale: 'zh-TW', source: 'header' });
  });

  it('defaults to the stored Simplified', () => {
    expect(negotiateLocale(undefined, null)).toEqual({ locale: 'zh-CN', source: 'default' });
    expect(negotiateLocale('en-GB', 'en')).toEqual({ locale: 'zh-CN', source: 'default' });
  });
});

describe('Function: variantOf', () => {
  it('converts Hong Kong and Macao to the hk forms, Taiwan to the tw forms, Simplified not at all', () => {
    expect([variantOf('zh-HK'), variantOf('zh-MO'), variantOf('zh-TW'), variantOf('zh-CN')]).toEqual(['hk', 'hk', 'tw', null]);
  });
});

describe('Function: localizeData', () => {
  const upper = (s: string) => `«${s}»`;

  it('converts only strings that hold Chinese text', () => {
    const data = {
      needs: {
        edges: [
          {
            cursor: 'eyJpZCI6IuiNlOaenSJ9',
            node: {
              __typename: 'Need',
              id: '荔枝-1',
              title: '荔枝园病虫害防治',
              status: 'OPEN',
              contactPhone: '138****8000',
              email: 'chen@example.com',
              url: 'https://example.com/荔枝',
              organizationId: '组织-1',
              keywords: ['荔枝', 'IoT'],
              score: 0.8,
              urgent: true,
              note: null,
            },
          },
        ],
        pageInfo: { endCursor: '中文游标', hasNextPage: false },
      },
    };
    const out = localizeData(data, upper);
    const node = out.needs.edges[0]?.node;
    expect(node).toEqual({
      ...data.needs.edges[0]?.node,
      title: '«荔枝园病虫害防治»',
      url: '«https://example.com/荔枝»',
      keywords: ['«荔枝»', 'IoT'],
    });
    expect(out.needs.edges[0]?.cursor).toBe(data.needs.edges[0]?.cursor);
    expect(out.needs.pageInfo.endCursor).toBe('中文游标');
    // A copy: the executed result is left as it is.
    expect(data.needs.edges[0]?.node.title).toBe('荔枝园病虫害防治');
  });

  it('converts each distinct string once', () => {
    let calls = 0;
    localizeData(
      Array.from({ length: 30 }, () => ({ domain: '农业科学' })),
      (s) => ((calls += 1), s),
    );
    expect(calls).toBe(1);
  });

  it('tells Chinese text from identifiers, enums, phones, e-mails and base64', () => {
    expect(['OPEN', '13800138000', 'a@b.cn', 'eyJhIjoxfQ==', 'https://x.cn', 'Hong Kong'].some(isChineseText)).toBe(false);
    expect(['荔枝', 'IoT 物联网'].every(isChineseText)).toBe(true);
  });
});

describe('Function: traditionalConverter', () => {
  it('writes Hong Kong Traditional for hk', async () => {
    const hk = await traditionalConverter('hk');
    expect(hk('荔枝园病虫害防治')).toBe('荔枝園病蟲害防治');
    expect(hk('广东省科学技术协会 志愿服务队')).toBe('廣東省科學技術協會 志願服務隊');
  });

  it('writes Taiwan forms for tw where Hong Kong and Taiwan differ, without changing the vocabulary', async () => {
    const [hk, tw] = await Promise.all([traditionalConverter('hk'), traditionalConverter('tw')]);
    expect(tw('荔枝园病虫害防治')).toBe('荔枝園病蟲害防治');
    expect(hk('果园里面')).toBe('果園裏面');
    expect(tw('果园里面')).toBe('果園裡面');
    expect(hk('着急')).toBe('着急');
    expect(tw('着急')).toBe('著急');
    // Character forms only: 人工智能 stays 人工智能 (twp would write 人工智慧), names and official terms keep their words.
    expect(tw('人工智能与知识产权')).toBe('人工智能與知識產權');
  });

  it('keeps ids, numbers and Latin text as they are', async () => {
    const hk = await traditionalConverter('hk');
    expect(hk('13800138000 chen@example.com IoT')).toBe('13800138000 chen@example.com IoT');
  });

  it('is loaded once per variant', async () => {
    expect(await traditionalConverter('hk')).toBe(await traditionalConverter('hk'));
  });
});

describe('Function: toSimplified', () => {
  it('writes Hong Kong and Taiwan forms in Mainland Simplified, as search terms are analysed', async () => {
    expect(await toSimplified('荔枝園病蟲害防治')).toBe('荔枝园病虫害防治');
    expect(await toSimplified('果園裡面')).toBe('果园里面');
    expect(await toSimplified('果園裏面')).toBe('果园里面');
    expect(await toSimplified('智能製造')).toBe('智能制造');
  });

  it('leaves Simplified and Latin text as it is', async () => {
    expect(await toSimplified('荔枝园 Lychee IoT 138')).toBe('荔枝园 Lychee IoT 138');
  });
});

describe('Function: acceptLanguageFrom', () => {
  it("reads connection_init's acceptLanguage (or an Accept-Language key), trimmed and cut to a bounded length", () => {
    expect(acceptLanguageFrom({ authorization: 'Bearer x', acceptLanguage: ' zh-HK;q=0.9, en;q=0.5 ' })).toBe('zh-HK;q=0.9, en;q=0.5');
    expect(acceptLanguageFrom({ 'Accept-Language': 'zh-TW' })).toBe('zh-TW');
    expect(acceptLanguageFrom({ acceptLanguage: 'zh-MO,'.repeat(100) })?.length).toBe(MAX_ACCEPT_LANGUAGE_LENGTH);
  });

  it('reads nothing from a payload without one, or with one that is not a string', () => {
    expect([
      acceptLanguageFrom(null),
      acceptLanguageFrom({}),
      acceptLanguageFrom({ acceptLanguage: ['zh-HK'] }),
      acceptLanguageFrom({ acceptLanguage: ' ' }),
    ]).toEqual([null, null, null, null]);
  });
});
