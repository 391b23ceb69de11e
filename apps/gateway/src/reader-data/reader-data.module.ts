import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { ErasedReaders } from './erased-readers';
import { ErasedReadersListener } from './erased-readers.listener';
import { ReaderDataController } from './reader-data.controller';

/** Most erased readers held (each a few dozen bytes); erasures within one token lifetime are expected to be far fewer. */
const MAX_ERASED_READERS = 1_000_000;

/** Global: the auth guard and the readiness check read ErasedReaders. */
@Global()
@Module({
  controllers: [ReaderDataController],
  providers: [
    {
      provide: ErasedReaders,
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => new ErasedReaders({ retainMs: config.JWT_MAX_TTL_SECONDS * 1000, maxEntries: MAX_ERASED_READERS }),
    },
    ErasedReadersListener,
  ],
  exports: [ErasedReaders],
})
export class ReaderDataModule {}
