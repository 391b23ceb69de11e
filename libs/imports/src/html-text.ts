import { compile } from 'html-to-text';

/**
 * A comment's HTML (Disqus `<message>`, WordPress `<wp:comment_content>`) as plain text, by
 * html-to-text's parser (htmlparser2), never by regular expressions: entities decoded, `<br>`
 * and paragraphs as line breaks, a link as its text with its address in brackets (once when they
 * are the same), scripts, styles and images dropped. Our API stores and returns text, which
 * whoever renders it escapes, so nothing in the result can run.
 */
export function htmlToPlainText(html: string): string {
  return toText(html)
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Compiled once: building the converter per call costs ten times the conversion.
const toText = compile({
  wordwrap: false,
  preserveNewlines: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
});
