import type { ServiceContext } from './context.js';

/** Activities under the five actions, participation and hours, service records and proofs. */
export class ActivityService {
  constructor(protected readonly ctx: ServiceContext) {}
}
