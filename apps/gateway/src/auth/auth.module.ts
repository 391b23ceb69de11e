import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { GatewayConfig } from '../gateway.config';
import { ReaderDataModule } from '../reader-data/reader-data.module';
import { AuthGuard } from './auth.guard';

@Module({
  imports: [
    ReaderDataModule,
    JwtModule.registerAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({ secret: config.JWT_SECRET, verifyOptions: { algorithms: ['HS256'] } }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
})
export class AuthModule {}
