export * from './article.factory';
export * from './eventually';
export * from './tokens';
