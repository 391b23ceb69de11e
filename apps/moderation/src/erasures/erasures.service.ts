import { Injectable, Logger } from '@nestjs/common';
import { UserErasedPayload } from '@app/contracts';
import { CasesService } from '../cases/cases.service';
import { NotesService } from '../notes/notes.service';

/**
 * What moderation keeps of an erased reader (docs/reader-data.md): every decision on their
 * comments (rule or moderator, decision, reason, time) and their sanctions, under their login id,
 * as the record a complaint or an authority may ask for; not their text, their name, evidence
 * quoting their text, nor moderators' notes about them.
 */
@Injectable()
export class ErasuresService {
  private readonly log = new Logger(ErasuresService.name);

  constructor(
    private readonly cases: CasesService,
    private readonly notes: NotesService,
  ) {}

  /** Idempotent: erased cases commit nothing again and deleted notes are gone. */
  async forget(erased: UserErasedPayload): Promise<void> {
    const [cases, notes] = [await this.cases.eraseAuthor(erased.userId), await this.notes.forget(erased.userId)];
    this.log.log({ msg: 'forgot an erased reader', userId: erased.userId, cases, notes });
  }
}
