import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { CORRELATION_HEADER, runWithCorrelation } from '@app/observability';

/** Runs each HTTP handler inside its request's correlation context (set by the onRequest hook). */
@Injectable()
export class CorrelationInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Event handlers get their correlation from the event server.
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    const correlationId = request.headers[CORRELATION_HEADER];
    return new Observable((subscriber) => runWithCorrelation({ correlationId }, () => next.handle().subscribe(subscriber)));
  }
}
