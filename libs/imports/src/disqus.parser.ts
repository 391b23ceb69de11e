import { wrongFormat } from './imports.errors';
import { ExportHandlers } from './imports.types';
import { attribute, OpenElement, XmlVisitor } from './xml.stream';

/** Disqus's export namespaces: the elements', and `dsq:` for its internal ids (dsq:id). */
export const DISQUS_NS = 'http://disqus.com';
export const DSQ_NS = 'http://disqus.com/disqus-internals';

const THREAD_FIELDS = new Set(['id', 'link', 'title']);
const POST_FIELDS = new Set(['id', 'message', 'createdAt', 'isDeleted', 'isSpam', 'thread', 'parent', 'author/name']);

/**
 * A Disqus XML export (https://disqus.com/api/schemas/1.0/disqus.xsd): `<disqus>` holding
 * `<category>`, then `<thread dsq:id>` (`<id>` the site's identifier, `<link>`, `<title>`),
 * then `<post dsq:id>` (`<id>`, `<message>` HTML, `<createdAt>`, `<isDeleted>`, `<isSpam>`,
 * `<author><name>`, `<thread dsq:id>` and `<parent dsq:id>`; the export's own example also
 * names a thread or parent by its `<id>` as text). Read element by element; a thread or post is
 * handed over when it closes.
 */
export function disqusVisitor(handlers: ExportHandlers): XmlVisitor {
  let fields = new Map<string, string>();
  const refs = new Map<string, string>();
  const field = (path: OpenElement[]) =>
    path
      .slice(2)
      .map((element) => element.local)
      .join('/');
  return {
    open(path) {
      if (path.length === 1 && (path[0]!.local !== 'disqus' || path[0]!.uri !== DISQUS_NS)) throw wrongFormat('disqus', path[0]!.local);
      if (path.length === 2) {
        fields = new Map();
        refs.clear();
      }
    },
    wantsText(path) {
      const record = path[1]?.local;
      return path.length >= 3 && ((record === 'thread' && THREAD_FIELDS.has(field(path))) || (record === 'post' && POST_FIELDS.has(field(path))));
    },
    close(path) {
      const record = path[1];
      if (!record || record.uri !== DISQUS_NS) return;
      if (path.length >= 3) {
        const name = field(path);
        if (this.wantsText(path)) fields.set(name, path[path.length - 1]!.text.trim());
        const dsqId = attribute(path[path.length - 1]!, 'id', DSQ_NS);
        if (path.length === 3 && dsqId) refs.set(name, dsqId);
        return;
      }
      if (path.length !== 2) return;
      const dsqId = attribute(record, 'id', DSQ_NS) ?? '';
      const id = fields.get('id') ?? '';
      if (record.local === 'thread') {
        handlers.thread({
          ref: dsqId || id,
          aliases: dsqId && id ? [id] : [],
          identifier: id || undefined,
          url: fields.get('link') || undefined,
          title: fields.get('title') || undefined,
          line: record.line,
        });
      } else if (record.local === 'post') {
        const spam = fields.get('isSpam') === 'true';
        const deleted = fields.get('isDeleted') === 'true';
        handlers.post({
          id: dsqId || id,
          aliases: dsqId && id ? [id] : [],
          threadRef: refs.get('thread') || fields.get('thread') || '',
          parentRef: refs.get('parent') || fields.get('parent') || undefined,
          authorName: fields.get('author/name') ?? '',
          postedAt: fields.get('createdAt') ?? '',
          html: fields.get('message') ?? '',
          state: spam ? 'spam' : deleted ? 'deleted' : 'ok',
          line: record.line,
        });
      }
    },
  };
}
