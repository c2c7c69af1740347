import type { ServiceContext } from './context.js';

/** Organizations of the four-level network: create, update, read with contact rules, lists. */
export class OrganizationService {
  constructor(protected readonly ctx: ServiceContext) {}
}
