import { BaseRpcContext } from '@nestjs/microservices';

type Args = [topic: string, partition: number, offset: string, heartbeat: () => Promise<void>];

/** Where the event being handled came from; long handlers call heartbeat() to keep their partitions. */
export class KafkaEventContext extends BaseRpcContext<Args> {
  getTopic = () => this.args[0];
  getPartition = () => this.args[1];
  getOffset = () => this.args[2];
  heartbeat = () => this.args[3]();
}
