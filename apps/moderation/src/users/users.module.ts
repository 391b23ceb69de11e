import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { SanctionsModule } from '../sanctions/sanctions.module';
import { UsersController } from './users.controller';

@Module({ imports: [CasesModule, SanctionsModule], controllers: [UsersController] })
export class UsersModule {}
