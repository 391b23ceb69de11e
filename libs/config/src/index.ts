export * from './config.module';
export * from './load-config';
export * from './service.config';
