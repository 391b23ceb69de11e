import { Module } from '@nestjs/common';
import { ModerationController } from './moderation.controller';
import { ReportsController } from './reports.controller';
import { WarningsController } from './warnings.controller';

@Module({ controllers: [ModerationController, ReportsController, WarningsController] })
export class ModerationModule {}
