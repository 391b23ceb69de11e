export * from './correlation';
export * from './logger.module';
export * from './metrics';
