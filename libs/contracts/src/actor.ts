import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsString, Length } from 'class-validator';

export const ROLES = ['reader', 'moderator', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: the subject and display name of the news site's login, and its roles. */
export class Actor {
  @IsString()
  @Length(1, 200)
  id: string;

  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 200)
  name: string;

  @IsArray()
  @IsIn(ROLES, { each: true })
  roles: Role[];
}
