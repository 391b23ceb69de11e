import { Module } from '@nestjs/common';
import { ModerationController } from './moderation.controller';
import { ReportsController } from './reports.controller';

@Module({ controllers: [ModerationController, ReportsController] })
export class ModerationModule {}
