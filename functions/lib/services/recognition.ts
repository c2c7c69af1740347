import type { ServiceContext } from './context.js';

/** Nominations, awards and eligibility of exemplary teams, people and cases. */
export class RecognitionService {
  constructor(protected readonly ctx: ServiceContext) {}
}
