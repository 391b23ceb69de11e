export * from './actor-headers';
export * from './public.decorator';
export * from './bootstrap';
export * from './correlation.interceptor';
export * from './health.module';
export * from './http-error.filter';
export * from './validation.pipe';
export * from './body-depth';
