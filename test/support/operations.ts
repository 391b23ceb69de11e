import { api } from './api';

/** One operation of the public API, as the gateway's OpenAPI document names it. */
export interface Operation {
  method: string;
  /** The OpenAPI path, with `{param}` placeholders. */
  path: string;
  /** `METHOD /path`: the key suites use for their tables. */
  key: string;
  hasBody: boolean;
  queryParams: string[];
}

/** Every operation of GET /docs/json: suites check they cover all of them, so new routes cannot slip past. */
export async function operationsOf(): Promise<Operation[]> {
  const doc = await api('GET', '/docs/json');
  if (doc.status !== 200) throw new Error(`GET /docs/json answered ${doc.status}`);
  const operations: Operation[] = [];
  for (const [path, byMethod] of Object.entries(doc.body.paths as Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string; name: string }[] }>>)) {
    for (const [method, operation] of Object.entries(byMethod)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        hasBody: Boolean(operation.requestBody),
        queryParams: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  return operations;
}

/** Fills `{param}` placeholders in order. */
export const fillPath = (path: string, values: string[]) => {
  let i = 0;
  return path.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++] ?? values[values.length - 1]));
};

/** A fixed-width text table for test output. */
export function table(header: string[], rows: (string | number)[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}
