import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { FilterController } from './filter.controller';
import { FilterModule } from './filter.module';
import { FilterTraining } from './filter-training.service';

/** Training our filter from the case journal, and its API. */
@Module({ imports: [CasesModule, FilterModule], controllers: [FilterController], providers: [FilterTraining] })
export class FilterTrainingModule {}
