import { wrongFormat } from './imports.errors';
import { ExportHandlers, SourcePost } from './imports.types';
import { OpenElement, XmlVisitor } from './xml.stream';

/** WXR's own elements live in `http://wordpress.org/export/1.x/` (1.0, 1.1, 1.2). */
const isWp = (element: OpenElement) => element.uri.startsWith('http://wordpress.org/export/');

const ITEM_FIELDS = new Set(['link', 'title', 'post_id', 'post_name']);
const COMMENT_FIELDS = new Set([
  'comment_id',
  'comment_parent',
  'comment_author',
  'comment_date_gmt',
  'comment_date',
  'comment_content',
  'comment_approved',
  'comment_type',
]);

/** wp:comment_approved: `1` shown, `0` waiting for moderation, `spam`, `trash` (and `post-trashed`). */
const STATES: Record<string, SourcePost['state']> = { '1': 'ok', '0': 'unapproved', spam: 'spam', trash: 'deleted', 'post-trashed': 'deleted' };

/**
 * A WordPress eXtended RSS export (WXR 1.0–1.2, as wp-admin/includes/export.php writes it): an
 * RSS 2.0 `<rss><channel>` of `<item>`s, each with `<link>`, `<title>`, `<wp:post_id>`,
 * `<wp:post_name>` and then its `<wp:comment>`s (`wp:comment_id`, `wp:comment_parent` 0 for
 * none, `wp:comment_author`, `wp:comment_date_gmt`, `wp:comment_content` HTML,
 * `wp:comment_approved`, `wp:comment_type` pingback/trackback for non-comments). The item is
 * handed over as a thread when its first comment opens (WordPress writes the item's own fields
 * first), each comment when it closes: an item's comments are never held together.
 */
export function wordpressVisitor(handlers: ExportHandlers): XmlVisitor {
  let item = new Map<string, string>();
  let comment = new Map<string, string>();
  let itemNumber = 0;
  let itemLine = 0;
  let threadRef: string | undefined;
  const inItem = (path: OpenElement[]) => path.length >= 3 && path[1]!.local === 'channel' && path[2]!.local === 'item';
  const isComment = (element: OpenElement | undefined) => !!element && element.local === 'comment' && isWp(element);
  return {
    open(path) {
      if (path.length === 1 && path[0]!.local !== 'rss') throw wrongFormat('wordpress', path[0]!.local);
      if (!inItem(path)) return;
      if (path.length === 3) {
        item = new Map();
        itemNumber += 1;
        itemLine = path[2]!.line;
        threadRef = undefined;
      } else if (path.length === 4 && isComment(path[3])) {
        comment = new Map();
        if (threadRef === undefined) {
          threadRef = item.get('post_id') ? `post:${item.get('post_id')}` : `item:${itemNumber}`;
          handlers.thread({
            ref: threadRef,
            aliases: [],
            identifier: item.get('post_id') || undefined,
            url: item.get('link') || undefined,
            slug: item.get('post_name') || undefined,
            title: item.get('title') || undefined,
            line: itemLine,
          });
        }
      }
    },
    wantsText(path) {
      if (!inItem(path)) return false;
      const element = path[path.length - 1]!;
      if (path.length === 4) return ITEM_FIELDS.has(element.local) && (element.local === 'link' || element.local === 'title' || isWp(element));
      return path.length === 5 && isComment(path[3]) && isWp(element) && COMMENT_FIELDS.has(element.local);
    },
    close(path) {
      if (!inItem(path)) return;
      const element = path[path.length - 1]!;
      if (path.length === 5 && this.wantsText(path)) comment.set(element.local, element.text.trim());
      else if (path.length === 4 && this.wantsText(path)) item.set(element.local, element.text.trim());
      else if (path.length === 4 && isComment(element)) {
        const type = comment.get('comment_type') ?? '';
        const parent = comment.get('comment_parent') ?? '';
        const gmt = comment.get('comment_date_gmt') ?? '';
        handlers.post({
          id: comment.get('comment_id') ?? '',
          aliases: [],
          threadRef: threadRef!,
          parentRef: parent && parent !== '0' ? parent : undefined,
          authorName: comment.get('comment_author') ?? '',
          // An unapproved comment may carry 0000-00-00 as its GMT time: its local time is all there is.
          postedAt: gmt && !gmt.startsWith('0000') ? gmt : (comment.get('comment_date') ?? ''),
          html: comment.get('comment_content') ?? '',
          state: type === 'pingback' || type === 'trackback' ? 'not_a_comment' : (STATES[comment.get('comment_approved') ?? ''] ?? 'unapproved'),
          line: element.line,
        });
      }
    },
  };
}
