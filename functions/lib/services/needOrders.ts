import type { ServiceContext } from './context.js';

/** Needs and the order-dispatch workflow (群众点单、中心派单、志愿者接单、群众评单). */
export class NeedOrderService {
  constructor(protected readonly ctx: ServiceContext) {}
}
