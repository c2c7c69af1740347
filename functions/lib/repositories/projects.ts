import { entityKey, indexKeysFor, indexPartition, indexSortKey, type Dimensions, type Key } from '../data/keys.js';
import { recordOf, type ItemLoader } from '../data/loader.js';
import { hydratePage, type Store, type WriteOp } from '../data/store.js';
import type { Page, PageArgs } from '../data/pagination.js';
import { AppError, ErrorCode } from '../errors.js';
import type { Action, ProjectStatus } from '../generated/graphql.js';

/** A service project of the project pool (项目库) as stored; `organizationPath` is its organization's path. */
export interface ProjectRecord {
  id: string;
  title: string;
  description: string | null;
  organizationId: string;
  organizationPath: string[];
  action: Action;
  regionCode: string;
  status: ProjectStatus;
  needIds: string[];
  expertIds: string[];
  teamId: string | null;
  /** ISO dates (YYYY-MM-DD). */
  startDate: string | null;
  endDate: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** Filters of `projects`; `organizationId` matches the organization's subtree, `regionCode` the region's. */
export interface ProjectFilter {
  organizationId?: string | null;
  action?: Action | null;
  status?: ProjectStatus | null;
  regionCode?: string | null;
}

/** The fields an update may change. */
export type ProjectChanges = Partial<Omit<ProjectRecord, 'id' | 'version' | 'createdAt' | 'updatedAt'>>;

// The org dimension holds every id of the organization's path, so a filter on an organization lists its subtree.
type Indexed = Pick<ProjectRecord, 'id' | 'organizationPath' | 'action' | 'status' | 'regionCode'>;
const indexKeys = (p: Indexed): Key[] =>
  indexKeysFor('PROJECT', { org: p.organizationPath, action: p.action, status: p.status }, indexSortKey(p.regionCode, p.id));
const keyId = (k: Key) => `${k.PK}\u0000${k.SK}`;

/** The project pool: main items and their filter index items, written together. */
export class ProjectRepository {
  constructor(
    private readonly store: Store,
    private readonly loader: ItemLoader,
  ) {}

  /** The project through the request's batching cache. */
  async get(id: string): Promise<ProjectRecord | undefined> {
    const item = await this.loader.load(entityKey('PROJECT', id));
    return item ? recordOf<ProjectRecord>(item) : undefined;
  }

  /** Strongly consistent read (before a conditional update). */
  async getFresh(id: string): Promise<ProjectRecord | undefined> {
    const item = await this.store.get(entityKey('PROJECT', id));
    return item ? recordOf<ProjectRecord>(item) : undefined;
  }

  /** One page of projects matching every given filter, in region order. */
  async list(filter: ProjectFilter, args: PageArgs): Promise<Page<ProjectRecord>> {
    const dims: Dimensions<'PROJECT'> = {};
    if (filter.organizationId) dims.org = filter.organizationId;
    if (filter.action) dims.action = filter.action;
    if (filter.status) dims.status = filter.status;
    const page = await this.store.queryPage({
      partition: indexPartition('PROJECT', dims),
      ...(filter.regionCode && { sortPrefix: filter.regionCode }),
      args,
    });
    return hydratePage(page, (item) => String(item.id), (id) => this.get(id));
  }

  /** The project and its index items, atomically. */
  async create(record: ProjectRecord): Promise<ProjectRecord> {
    await this.store.transact([
      this.store.putNew({ ...entityKey('PROJECT', record.id), entity: 'PROJECT', ...record }),
      ...indexKeys(record).map((k) => this.store.put({ ...k, entity: 'PROJECT', id: record.id })),
    ]);
    this.loader.prime(entityKey('PROJECT', record.id), { ...record });
    return record;
  }

  /**
   * Applies `fields` if `current.version` is still current; index items follow a changed organization,
   * action, status or region in the same transaction.
   */
  async update(current: ProjectRecord, fields: ProjectChanges, now: string): Promise<ProjectRecord> {
    // Fields left undefined stay as they are (a plain spread would overwrite them with undefined).
    const changed = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const next = { ...current, ...changed } as ProjectRecord;
    const before = new Map(indexKeys(current).map((k) => [keyId(k), k]));
    const after = new Map(indexKeys(next).map((k) => [keyId(k), k]));
    const ops: WriteOp[] = [this.store.updateVersioned(entityKey('PROJECT', current.id), current.version, fields, now)];
    for (const [id, k] of before) if (!after.has(id)) ops.push(this.store.delete(k));
    for (const [id, k] of after) if (!before.has(id)) ops.push(this.store.put({ ...k, entity: 'PROJECT', id: current.id }));
    await this.store.transact(ops);
    return this.reload(current.id);
  }

  /** Reads the item again with strong consistency (after a write) and refreshes the request cache. */
  private async reload(id: string): Promise<ProjectRecord> {
    const item = await this.store.get(entityKey('PROJECT', id));
    if (!item) throw new AppError(ErrorCode.NOT_FOUND, `Project ${id} not found`);
    this.loader.clear(entityKey('PROJECT', id)).prime(entityKey('PROJECT', id), item);
    return recordOf<ProjectRecord>(item);
  }
}
