/**
 * Benchmark: converting a typical `needs(first: 30)` response to Traditional Chinese (the locale plugin's work for a
 * zh-HK / zh-TW request). Prints the first Traditional request's extra cost in this process (loading and building the
 * opencc-js tables), then the median and p95 of 200 warm conversions of the whole response per variant, and the
 * response's size. No database: the response is built in memory. Run: `npx tsx test/bench/locale.ts`.
 */
import { randomUUID } from 'node:crypto';
import { localizeData } from '../../functions/lib/domain/locale.js';
import { traditionalConverter } from '../../functions/lib/domain/text.js';
import { DOMAINS } from '../../functions/lib/vocabulary.js';

const TITLES = [
  '荔枝园病虫害绿色防控',
  '数控机床故障诊断与智能化改造',
  '社区老年人慢病管理科普讲座',
  '对虾养殖水质调控技术',
  '中小学生人工智能科技辅导',
  '工业园区污水处理工艺优化',
  '村级电商与农产品品牌培训',
  '龙眼果园水肥一体化改造',
  '鱼塘尾水生态修复',
  '光伏储能在农村的推广应用',
];
const REGIONS = ['荔湾区沙面街道', '顺德区', '湛江市雷州市', '深圳市福田区', '东莞市松山湖', '清远市连州市'];
const NAMES = ['陈志明', '黄植保', '李晓颖', '张家俊', '梁嘉欣', '刘建国'];

/** One need as `needs` returns it with its usual selection (text, enums, ids, nested region, organization, top matches). */
const need = (i: number) => {
  const title = `${TITLES[i % TITLES.length]}（第${i + 1}期）`;
  const domain = DOMAINS[i % DOMAINS.length];
  return {
    cursor: Buffer.from(JSON.stringify({ id: randomUUID(), i })).toString('base64url'),
    node: {
      id: randomUUID(),
      title,
      description: `${title}：果园里出现了蒂蛀虫和霜疫霉病，村里希望有关领域专家到现场指导用药、修剪和水肥管理，并为农户开展一次培训。`,
      kind: 'RURAL_REVITALIZATION',
      status: 'OPEN',
      urgency: i % 3 === 0 ? 'HIGH' : 'NORMAL',
      keywords: ['荔枝', '病虫害防治', '水肥一体化'],
      domains: [{ code: domain?.code, zh: domain?.zh }],
      region: { code: `4401030${String(i).padStart(2, '0')}`, name: REGIONS[i % REGIONS.length] },
      requester: { kind: 'VILLAGE', name: `${TITLES[i % TITLES.length]?.slice(0, 4)}需求单位`, contactName: '李主任', contactPhone: '139****2222' },
      organization: { id: randomUUID(), name: '广州市荔湾区科学技术协会' },
      matches: Array.from({ length: 3 }, (_, m) => ({
        score: 0.8 - m / 10,
        expert: { id: randomUUID(), name: NAMES[(i + m) % NAMES.length], affiliation: '华南农业大学植物保护学院' },
        reasons: [
          { factor: 'DOMAIN', detail: `shared domains: ${domain?.zh}` },
          { factor: 'KEYWORD', detail: 'shared keywords: 荔枝、病虫害防治' },
        ],
      })),
      createdAt: '2026-11-29T08:00:00.000Z',
    },
  };
};

const data = { needs: { edges: Array.from({ length: 30 }, (_, i) => need(i)), pageInfo: { hasNextPage: true, endCursor: randomUUID() } } };
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const coldStarted = performance.now();
const hk = await traditionalConverter('hk');
localizeData(data, hk);
const cold = performance.now() - coldStarted;
const twStarted = performance.now();
const tw = await traditionalConverter('tw');
const twLoad = performance.now() - twStarted;

console.log(`response: 30 needs, ${(Buffer.byteLength(JSON.stringify(data)) / 1024).toFixed(1)} KB of JSON`);
console.log(`first zh-HK response in this process (load + build the tables + convert): ${cold.toFixed(0)} ms; then zh-TW's own table: ${twLoad.toFixed(1)} ms`);
for (const [name, convert] of [
  ['hk', hk],
  ['tw', tw],
] as const) {
  const times: number[] = [];
  for (let run = 0; run < 200; run += 1) {
    const started = performance.now();
    localizeData(data, convert);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`warm conversion of the whole response (${name}): median ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms`);
}
