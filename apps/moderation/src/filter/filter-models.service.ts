import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicSnapshot } from '@app/persistence';
import { ModerationConfig } from '../moderation.config';
import { FilterModel } from './filter.classifier';
import { FilterModelDocument } from './filter-model.schema';
import { FilterModelsRepository } from './filter-models.repository';

/** How often an instance looks for a newer version (one read of ids; the model itself only when it changed). */
const RELOAD_MS = 30_000;

/**
 * The filter's current model, for the scorer: the newest stored version, whichever instance
 * trained it. Held in memory; an instance that cannot read the versions for five intervals stops
 * using its model (the filter abstains) rather than score with one it cannot vouch for.
 */
@Injectable()
export class FilterModels implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(FilterModels.name);
  private readonly snapshot: PeriodicSnapshot<{ doc: FilterModelDocument; model: FilterModel } | null>;
  private loaded: { doc: FilterModelDocument; model: FilterModel } | null = null;

  constructor(
    private readonly repository: FilterModelsRepository,
    private readonly config: ModerationConfig,
  ) {
    this.snapshot = new PeriodicSnapshot({
      load: async () => {
        const version = await this.repository.latestVersion();
        if (version && version !== this.loaded?.doc._id) {
          const doc = await this.repository.findVersion(version);
          if (doc) this.loaded = { doc, model: JSON.parse(doc.model) as FilterModel };
        }
        return this.loaded;
      },
      refreshMs: config.MODERATION_FILTER_ENABLED ? RELOAD_MS : 0,
      onError: (error) => this.log.warn({ msg: 'could not look for a newer filter model', error: (error as Error).message }),
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.MODERATION_FILTER_ENABLED) this.snapshot.start();
  }

  onApplicationShutdown(): void {
    this.snapshot.stop();
  }

  /** The model the filter scores with now, or null (none trained yet, or the versions unreadable too long). */
  current(): FilterModel | null {
    return this.snapshot.current()?.model ?? null;
  }

  /** The newest version as stored (its figures), or null. */
  async latest(): Promise<FilterModelDocument | null> {
    const version = await this.repository.latestVersion();
    return version ? this.repository.findVersion(version) : null;
  }

  nextVersion(): Promise<number> {
    return this.repository.latestVersion().then((v) => v + 1);
  }

  /** Stores a trained version and uses it at once; false when another instance stored that version first. */
  async publish(doc: FilterModelDocument): Promise<boolean> {
    try {
      return await this.repository.insert(doc);
    } finally {
      await this.snapshot.refreshAfterWrite();
    }
  }
}
