export * from './correlation';
export * from './logger.module';
