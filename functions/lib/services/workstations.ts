import type { ServiceContext } from './context.js';

/** Workstations (academician-expert, society service, S&T expert service stations). */
export class WorkstationService {
  constructor(protected readonly ctx: ServiceContext) {}
}
