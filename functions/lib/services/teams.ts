import type { ServiceContext } from './context.js';

/** Volunteer teams and sub-teams, and joining them. */
export class TeamService {
  constructor(protected readonly ctx: ServiceContext) {}
}
