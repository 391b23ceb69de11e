import 'reflect-metadata';
import { Logger } from '@nestjs/common';

// Unit specs exercise failure paths on purpose; their expected warnings would bury real output.
Logger.overrideLogger(false);
