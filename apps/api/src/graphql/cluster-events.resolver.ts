import { Args, Field, Int, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import type { Observable } from 'rxjs';
import { ClusterEventsService, type ClusterEventView } from '../audits/cluster-events.service';

@ObjectType('ClusterEvent')
export class ClusterEventType {
  @Field({ description: 'Position in the stream; resume after it' }) id!: string;
  @Field(() => Int) revision!: number;
  @Field({ description: 'recomputed | connectivity-changed | finding-opened | finding-resolved' }) type!: string;
  @Field(() => GraphQLJSON) payload!: unknown;
  @Field() createdAt!: string;
}

/** Turns the event stream into the async iterator GraphQL subscriptions consume. */
function toAsyncIterator<T>(source: Observable<T>): AsyncIterableIterator<T> {
  const queue: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let failure: unknown;
  let done = false;
  const subscription = source.subscribe({
    next: (value) => (waiting.length ? waiting.shift()!({ value, done: false }) : queue.push(value)),
    error: (error) => {
      failure = error;
      while (waiting.length) waiting.shift()!({ value: undefined, done: true });
    },
  });
  const finish = async (): Promise<IteratorResult<T>> => {
    done = true;
    subscription.unsubscribe();
    while (waiting.length) waiting.shift()!({ value: undefined, done: true });
    return { value: undefined, done: true };
  };
  return {
    next: () => {
      if (failure) return Promise.reject(failure);
      if (queue.length) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return: finish,
    throw: async (error) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

@Resolver()
export class ClusterEventsResolver {
  constructor(private readonly events: ClusterEventsService) {}

  @Subscription(() => ClusterEventType, {
    description: 'Recomputes, connectivity changes and findings of a cluster; replays events after `since` (a revision), then follows',
    resolve: (event: ClusterEventView) => event,
  })
  async clusterEvents(@Args('cluster') cluster: string, @Args('since', { type: () => Int, nullable: true }) since?: number): Promise<AsyncIterableIterator<ClusterEventView>> {
    await this.events.assertCluster(cluster);
    return toAsyncIterator(this.events.stream(cluster, since ?? 0));
  }
}
