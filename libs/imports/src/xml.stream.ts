import { SaxesParser, SaxesTagNS } from 'saxes';
import { StringDecoder } from 'node:string_decoder';
import { malformedFile } from './imports.errors';

/** An element being read: its local name, namespace, attributes (by local name) and text so far. */
export interface OpenElement {
  local: string;
  uri: string;
  attributes: Map<string, { uri: string; value: string }>;
  text: string;
  line: number;
}

export interface XmlVisitor {
  /** An element opened; `path` holds its ancestors (outermost first) and itself last. */
  open(path: OpenElement[]): void;
  /** An element closed, with its text (character data and CDATA) when `wantsText` said so. */
  close(path: OpenElement[]): void;
  /** Whether the text inside the innermost open element is kept (only the fields a format reads). */
  wantsText(path: OpenElement[]): boolean;
}

/**
 * Reads XML from a stream of bytes, chunk by chunk, with saxes: never the whole file in memory,
 * only the path of open elements and the text of the one field being read. `afterChunk` runs
 * (and is awaited) between chunks, so a consumer can send what it collected before reading on.
 * A well-formedness error stops the read with malformed_import_file (line and column).
 */
export async function readXml(
  chunks: AsyncIterable<Buffer | string>,
  visitor: XmlVisitor,
  afterChunk: () => Promise<void> = async () => {},
): Promise<void> {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const path: OpenElement[] = [];
  let failure: Error | undefined;
  parser.on('error', (error) => {
    // saxes writes "line:column: message".
    const where = /^(\d+):(\d+): ([\s\S]*)$/.exec(error.message);
    failure ??= where ? malformedFile(where[3]!, Number(where[1]), Number(where[2])) : malformedFile(error.message, parser.line, parser.column);
  });
  // After the first error the rest of the chunk is not handed on: the file is refused anyway.
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (failure) return;
    const attributes = new Map<string, { uri: string; value: string }>();
    for (const attribute of Object.values(tag.attributes)) attributes.set(attribute.local, { uri: attribute.uri, value: attribute.value });
    path.push({ local: tag.local, uri: tag.uri, attributes, text: '', line: parser.line });
    visitor.open(path);
  });
  const text = (data: string) => {
    const current = path[path.length - 1];
    if (!failure && current && visitor.wantsText(path)) current.text += data;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  parser.on('closetag', () => {
    if (failure) return;
    visitor.close(path);
    path.pop();
  });
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    parser.write(typeof chunk === 'string' ? chunk : decoder.write(chunk));
    if (failure) throw failure;
    await afterChunk();
  }
  parser.write(decoder.end());
  parser.close();
  if (failure) throw failure;
  await afterChunk();
}

/** The value of an attribute by local name (and namespace, when given). */
export const attribute = (element: OpenElement, local: string, uri?: string): string | undefined => {
  const found = element.attributes.get(local);
  return found && (uri === undefined || found.uri === uri) ? found.value : undefined;
};
