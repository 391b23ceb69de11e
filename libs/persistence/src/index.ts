export * from './mongo-errors';
export * from './mongo.module';
export * from './outbox';
export * from './keyed-lock';
export * from './periodic-snapshot';
export * from './group-commit';
export * from './write-concern.health';
export * from './insert-batcher';
