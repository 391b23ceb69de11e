import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { NotesModule } from '../notes/notes.module';
import { SanctionsModule } from '../sanctions/sanctions.module';
import { UsersController } from './users.controller';
import { WarningsController } from './warnings.controller';

@Module({ imports: [CasesModule, SanctionsModule, NotesModule], controllers: [UsersController, WarningsController] })
export class UsersModule {}
