import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';

/** `true`/`false` in a query string; anything else stays as it is and fails @IsBoolean. */
const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** POST /api/v1/imports/disqus|wordpress?mapping=…&dryRun=true: the export is the request body (XML). */
export class ImportFileQuery {
  /**
   * Which story each thread of the export goes to, as JSON (URL-encoded):
   * {"byIdentifier":{…},"byUrl":{…},"bySlug":{…}}, each key → a story id. See docs/imports.md.
   * At most 1,000 characters: percent-encoded, that stays inside the 16 KB a request's head may
   * have (beyond it the server answers 431); a larger mapping goes in a file, to `npm run import`.
   */
  @IsString()
  @Length(2, 1_000)
  mapping: string;

  /** Report what would be imported and skipped, and store nothing. */
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  dryRun?: boolean;
}
