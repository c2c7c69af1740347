import type { ServiceContext } from './context.js';

/** The province's switch over users: disable, revoke roles. */
export class AccessService {
  constructor(protected readonly ctx: ServiceContext) {}
}
