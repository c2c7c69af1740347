import type { ServiceContext } from './context.js';

/** The talent pool: registration, profile edits, personal data, lists. */
export class ExpertService {
  constructor(protected readonly ctx: ServiceContext) {}
}
