import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { FILTER_MODEL, FilterModelSchema } from './filter-model.schema';
import { FilterModelsRepository } from './filter-models.repository';
import { FilterModels } from './filter-models.service';

/** The filter's trained versions, for the scorer (training itself: FilterTrainingModule). */
@Module({
  imports: [MongooseModule.forFeature([{ name: FILTER_MODEL, schema: FilterModelSchema }])],
  providers: [FilterModelsRepository, FilterModels],
  exports: [FilterModels],
})
export class FilterModule {}
