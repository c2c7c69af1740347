/** Controlled vocabularies with their Chinese and English labels. */

export interface Term {
  code: string;
  zh: string;
  en: string;
}

/** Discipline domains (学科领域) of the talent pool, needs and technologies. */
export const DOMAINS: readonly Term[] = [
  { code: 'AGRICULTURE', zh: '农业科学', en: 'Agricultural science' },
  { code: 'FORESTRY', zh: '林业', en: 'Forestry' },
  { code: 'ANIMAL_HUSBANDRY', zh: '畜牧兽医', en: 'Animal husbandry and veterinary science' },
  { code: 'AQUACULTURE', zh: '水产养殖', en: 'Aquaculture and fisheries' },
  { code: 'FOOD_SCIENCE', zh: '食品科学', en: 'Food science' },
  { code: 'MEDICINE', zh: '医学与健康', en: 'Medicine and health' },
  { code: 'TRADITIONAL_CHINESE_MEDICINE', zh: '中医药', en: 'Traditional Chinese medicine' },
  { code: 'BIOTECHNOLOGY', zh: '生物技术', en: 'Biotechnology' },
  { code: 'ELECTRONICS', zh: '电子信息', en: 'Electronics and information' },
  { code: 'COMPUTING', zh: '计算机与人工智能', en: 'Computing and artificial intelligence' },
  { code: 'MECHANICAL_ENGINEERING', zh: '机械工程', en: 'Mechanical engineering' },
  { code: 'MATERIALS', zh: '材料科学', en: 'Materials science' },
  { code: 'CHEMICAL_ENGINEERING', zh: '化学工程', en: 'Chemical engineering' },
  { code: 'ENERGY', zh: '能源与电力', en: 'Energy and power' },
  { code: 'ENVIRONMENT', zh: '环境与生态', en: 'Environment and ecology' },
  { code: 'CIVIL_ENGINEERING', zh: '土木建筑', en: 'Civil engineering and architecture' },
  { code: 'MARINE', zh: '海洋科学', en: 'Marine science' },
  { code: 'MANUFACTURING', zh: '智能制造', en: 'Intelligent manufacturing' },
  { code: 'EMERGENCY_SAFETY', zh: '应急安全', en: 'Emergency and safety' },
  { code: 'EDUCATION', zh: '科学教育', en: 'Science education' },
  { code: 'ECONOMICS_MANAGEMENT', zh: '经济管理', en: 'Economics and management' },
  { code: 'LAW_IP', zh: '法律与知识产权', en: 'Law and intellectual property' },
];

const domainCodes = new Set(DOMAINS.map((d) => d.code));

/** True when `code` is a known discipline domain. */
export const isDomain = (code: string): boolean => domainCodes.has(code);

/** The domain term for a code (callers validate first). */
export const domainTerm = (code: string): Term => DOMAINS.find((d) => d.code === code) ?? { code, zh: code, en: code };
