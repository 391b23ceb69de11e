/** class-transformer helpers shared by every input class, so all inputs clean text and dates alike. */

type Input = { value: unknown };

export const trim = ({ value }: Input) => (typeof value === 'string' ? value.trim() : value);

export const trimAll = ({ value }: Input) =>
  Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim() : item)) : value;

/** Only a full ISO-8601 string with a time zone becomes a Date; anything else stays and fails @IsDate. */
export const isoDate = ({ value }: Input) =>
  typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))
    ? new Date(value)
    : value;
