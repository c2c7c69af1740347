/**
 * Mutation inputs with sensible defaults, free of vitest so that the benchmarks (run by tsx, outside vitest) build
 * the same inputs as the tests (fixtures.ts re-exports them).
 */

let phoneSerial = 0;
/** A unique, valid mainland mobile number. */
export const nextPhone = () => `137${String(process.pid % 10000).padStart(4, '0')}${String(phoneSerial++).padStart(4, '0')}`;

/** registerExpert input with sensible defaults. */
export function makeExpertInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '陈志明',
    title: 'SENIOR_ENGINEER',
    domains: ['AGRICULTURE'],
    keywords: ['荔枝'],
    origin: 'MAINLAND',
    languages: ['MANDARIN', 'CANTONESE'],
    regionCode: '440103',
    phone: nextPhone(),
    ...overrides,
  };
}

/** submitNeed input with sensible defaults: a technology need in Shamian, Liwan. */
export function makeNeedInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: '荔枝园病虫害防治',
    description: '社区果园的荔枝出现病虫害，需要专家上门指导。',
    kind: 'RURAL_REVITALIZATION',
    requester: { kind: 'COMMUNITY', name: '沙面社区居委会', contactName: '李主任', contactPhone: '13911112222' },
    domains: ['AGRICULTURE'],
    keywords: ['荔枝'],
    regionCode: '440103001',
    ...overrides,
  };
}
