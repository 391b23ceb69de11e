import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ReaderDataModule } from '../reader-data/reader-data.module';
import { AuthGuard } from './auth.guard';

@Module({
  imports: [ReaderDataModule],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
