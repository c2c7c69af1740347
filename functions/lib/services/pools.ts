import type { ServiceContext } from './context.js';

/** The technology pool, the project pool and "6个1" pairings. */
export class PoolService {
  constructor(protected readonly ctx: ServiceContext) {}
}
