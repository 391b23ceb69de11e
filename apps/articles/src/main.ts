import { bootstrap } from '@app/http';
import { AppModule } from './app.module';

void bootstrap(AppModule, { consumesEvents: true });
