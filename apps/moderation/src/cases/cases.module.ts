import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { outboxRelayProvider } from '@app/kafka';
import { ModerationConfig } from '../moderation.config';
import { NotesModule } from '../notes/notes.module';
import { RULE_SETTINGS, ruleSettingsFrom } from '../rules/rule-settings';
import { SanctionsModule } from '../sanctions/sanctions.module';
import { ScoringModule } from '../scoring/scoring.module';
import { StoriesModule } from '../stories/stories.module';
import { CASE_ENTRY_MODEL, CASE_MODEL, CaseEntrySchema, CaseSchema } from './case.schema';
import { CasesConsumer } from './cases.consumer';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CASES_OUTBOX, CasesService } from './cases.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: CASE_ENTRY_MODEL, schema: CaseEntrySchema },
      { name: CASE_MODEL, schema: CaseSchema },
    ]),
    StoriesModule,
    SanctionsModule,
    NotesModule,
    ScoringModule,
  ],
  controllers: [CasesController, CasesConsumer],
  providers: [
    CasesRepository,
    CasesService,
    { provide: RULE_SETTINGS, inject: [ModerationConfig], useFactory: ruleSettingsFrom },
    outboxRelayProvider(CASES_OUTBOX, 'cases', CasesRepository, ModerationConfig),
  ],
  exports: [CasesService, CasesRepository],
})
export class CasesModule {}
