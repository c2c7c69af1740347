import type { ServiceContext } from './context.js';

/** Campaigns, implementation plans and quarterly reports. */
export class GovernanceService {
  constructor(protected readonly ctx: ServiceContext) {}
}
