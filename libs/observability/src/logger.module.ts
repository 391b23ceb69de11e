import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import { BaseConfig } from '@app/config';
import { correlationIdFrom, CORRELATION_HEADER, currentCorrelation } from './correlation';

/**
 * JSON logs (pino) for HTTP and event handling alike. Every line carries the service name and,
 * when known, the correlation id of the request or event being handled.
 */
@Module({})
export class LoggerModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggerModule,
      imports: [
        PinoLoggerModule.forRootAsync({
          inject: [BaseConfig],
          useFactory: (config: BaseConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service },
              mixin: () => {
                const context = currentCorrelation();
                return context ? { correlationId: context.correlationId } : {};
              },
              genReqId: (req) => correlationIdFrom(req.headers[CORRELATION_HEADER]),
              customAttributeKeys: { reqId: 'correlationId' },
              // Health probes and metric scrapes every few seconds would drown the log.
              autoLogging: { ignore: (req) => /^\/(health|metrics)(\/|\?|$)/.test(req.url ?? '') },
              redact: ['req.headers.authorization', 'req.headers.cookie'],
              serializers: {
                req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
            },
          }),
        }),
      ],
      exports: [PinoLoggerModule],
    };
  }
}
