export * from './imports.types';
export * from './imports.errors';
export * from './import.mapping';
export * from './import.runner';
export * from './html-text';
export { readXml } from './xml.stream';
export { disqusVisitor } from './disqus.parser';
export { wordpressVisitor } from './wordpress.parser';
