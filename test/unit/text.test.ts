import { beforeAll, describe, expect, it } from 'vitest';
import { sharedKeywords } from '../../functions/lib/domain/matching.js';
import {
  MAX_QUERY_TERMS,
  MAX_TERMS_PER_ENTITY,
  compareHits,
  rankHits,
  highlight,
  isMeaningful,
  textAnalyzer,
  type TextAnalyzer,
} from '../../functions/lib/domain/text.js';

let text: TextAnalyzer;
beforeAll(async () => {
  text = await textAnalyzer();
});

describe('Function: isMeaningful', () => {
  it('drops stop words, punctuation and single characters that carry no meaning', () => {
    expect(['的', '与', '，', ' ', '园', '进行'].filter(isMeaningful)).toEqual([]);
    expect(['茶', '荔枝', 'iot'].filter(isMeaningful)).toEqual(['茶', '荔枝', 'iot']);
  });
});

describe('Function: segment', () => {
  it('cuts in search mode, keeping domain words whole and their parts', () => {
    const terms = text.segment('荔枝园病虫害防治');
    expect(terms).toEqual(expect.arrayContaining(['荔枝', '荔枝园', '病虫害', '防治']));
  });

  it('converts Traditional to Simplified before segmentation', () => {
    expect(text.segment('智能製造')).toEqual(expect.arrayContaining(['智能', '制造']));
    expect(text.segment('智能製造')).toEqual(text.segment('智能制造'));
  });
});

describe('Function: indexTerms', () => {
  it('weighs the title above the keywords above the description', () => {
    const terms = text.indexTerms({ title: '荔枝园病虫害防治', keywords: ['植保'], description: '果园里出现了蒂蛀虫，需要专家指导用药' });
    const weight = (t: string) => terms.find((x) => x.term === t)?.weight;
    expect(weight('荔枝')).toBe(3);
    expect(weight('植保')).toBe(2);
    expect(weight('专家')).toBe(1);
    expect(terms.map((t) => t.term)).not.toContain('的');
  });

  it(`keeps at most ${MAX_TERMS_PER_ENTITY} terms, the title's first`, () => {
    const long = Array.from({ length: 60 }, (_, i) => `第${i}号试验田的水稻品种改良与土壤检测报告`).join('；');
    const terms = text.indexTerms({ title: '智能制造', description: long });
    expect(terms.length).toBeLessThanOrEqual(MAX_TERMS_PER_ENTITY);
    expect(terms[0]?.weight).toBe(3);
  });
});

describe('Function: nameTerms', () => {
  it('gives the name, its full pinyin and its initials', () => {
    expect(text.nameTerms('陈志明')).toEqual(['陈志明', 'chenzhiming', 'czm']);
  });

  it('reads polyphonic surnames as surnames', () => {
    expect(text.nameTerms('曾志伟')).toContain('zengzhiwei');
    expect(text.nameTerms('单田芳')).toContain('shantianfang');
    expect(text.nameTerms('解晓东')).toContain('xiexiaodong');
  });
});

describe('Function: queryTerms', () => {
  it('reads a Latin query as one pinyin word', () => {
    expect(text.queryTerms('chen zhi ming')).toEqual(['chenzhiming']);
    expect(text.queryTerms('CZM')).toEqual(['czm']);
  });

  it(`looks up at most ${MAX_QUERY_TERMS} terms`, () => {
    expect(text.queryTerms('荔枝园病虫害防治与水稻品种改良及土壤检测和智能制造数字化转型').length).toBeLessThanOrEqual(MAX_QUERY_TERMS);
  });
});

describe('Function: highlight', () => {
  it('marks matched terms, longest first, on the original text', () => {
    expect(highlight('荔枝园病虫害防治', '荔枝园病虫害防治', ['荔枝', '荔枝园', '防治'])).toBe('【荔枝园】病虫害【防治】');
    expect(highlight('智能製造', text.normalize('智能製造'), ['制造'])).toBe('智能【製造】');
  });

  it('is null when nothing matched', () => {
    expect(highlight('水稻', '水稻', ['荔枝'])).toBeNull();
  });
});

describe('Function: compareHits', () => {
  it('ranks by relevance, then newest first', () => {
    const hits = [
      { id: 'a', score: 3, createdAt: '2026-01-01T00:00:00Z' },
      { id: 'b', score: 5, createdAt: '2025-01-01T00:00:00Z' },
      { id: 'c', score: 3, createdAt: '2026-06-01T00:00:00Z' },
    ];
    expect([...hits].sort(compareHits).map((h) => h.id)).toEqual(['b', 'c', 'a']);
  });
});

describe('Function: rankHits', () => {
  it('sums the weights of the distinct terms an entity matched and ranks best first', () => {
    const ranked = rankHits([
      { type: 'NEED', id: 'n1', term: '荔枝', weight: 3, createdAt: '2026-01-01T00:00:00Z' },
      { type: 'NEED', id: 'n1', term: '防治', weight: 1, createdAt: '2026-01-01T00:00:00Z' },
      { type: 'EXPERT', id: 'e1', term: '荔枝', weight: 2, createdAt: '2026-02-01T00:00:00Z' },
      { type: 'EXPERT', id: 'e1', term: '荔枝', weight: 2, createdAt: '2026-02-01T00:00:00Z' },
    ]);
    expect(ranked.map((h) => [h.id, h.score, h.matchedTerms])).toEqual([
      ['n1', 4, ['荔枝', '防治']],
      ['e1', 2, ['荔枝']],
    ]);
  });
});

describe('Function: sharedKeywords (with search terms)', () => {
  it("shares a keyword the need's Traditional description says, through its Simplified terms", () => {
    const need = {
      domains: [],
      keywords: [],
      title: '果樹求助',
      description: '龍眼出現蒂蛀蟲',
      regionCode: '440103',
      languages: [],
      requester: { name: 'x', organizationId: null },
    };
    expect(sharedKeywords(need, { keywords: ['龙眼'] })).toEqual([]);
    const searchTerms = text.indexTerms({ title: need.title, description: need.description });
    expect(sharedKeywords({ ...need, searchTerms }, { keywords: ['龙眼', '水稻'] })).toEqual(['龙眼']);
  });
});
