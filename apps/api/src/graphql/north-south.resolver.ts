import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { ClusterView } from '@switchyard/persistence';
import { GraphQLJSONObject } from 'graphql-scalars';
import { NorthSouthService } from '../north-south/north-south.service';
import { ClusterType } from './graphql-types';

const CONSISTENT = { nullable: true, description: 'wait (bounded) until the answer reflects the latest revision' } as const;

/** Ingress and Gateway routing on the Cluster type (JSON objects shaped as the REST answers). */
@Resolver(() => ClusterType)
export class NorthSouthResolver {
  constructor(private readonly northSouth: NorthSouthService) {}

  @ResolveField(() => GraphQLJSONObject, { description: 'Ingress routing tables per class' })
  ingressRoutes(@Parent() cluster: ClusterView, @Args('class', { nullable: true }) ingressClass?: string, @Args('consistent', CONSISTENT) consistent?: boolean): Promise<object> {
    return this.northSouth.ingressRoutes(cluster.name, { class: ingressClass ?? undefined, consistent: consistent ?? false });
  }

  @ResolveField(() => GraphQLJSONObject, { description: 'Which Ingress rule and backend serve a URL, and why' })
  ingressMatch(
    @Parent() cluster: ClusterView,
    @Args('url') url: string,
    @Args('class', { nullable: true }) ingressClass?: string,
    @Args('consistent', CONSISTENT) consistent?: boolean,
  ): Promise<object> {
    return this.northSouth.ingressMatch(cluster.name, { url, class: ingressClass ?? undefined, consistent: consistent ?? false });
  }

  @ResolveField(() => GraphQLJSONObject, {
    description:
      'Workloads reachable from outside the cluster, by which path (ingress, gateway, nodePort, loadBalancer, externalIP, ipBlock), ports and sources; format "txt" adds `text`, the peer analyzer\'s exposure format',
  })
  exposure(
    @Parent() cluster: ClusterView,
    @Args('format', { nullable: true, description: 'json (default) or txt' }) format?: string,
    @Args('consistent', CONSISTENT) consistent?: boolean,
  ): Promise<object> {
    return this.northSouth.exposure(cluster.name, { format: format ?? undefined, consistent: consistent ?? false });
  }

  @ResolveField(() => GraphQLJSONObject, { description: 'Gateways and HTTPRoutes with status conditions' })
  gatewayRoutes(@Parent() cluster: ClusterView, @Args('consistent', CONSISTENT) consistent?: boolean): Promise<object> {
    return this.northSouth.gatewayRoutes(cluster.name, { consistent: consistent ?? false });
  }

  @ResolveField(() => GraphQLJSONObject, { description: 'Which HTTPRoute rule serves a request, with the weighted backend split' })
  gatewayMatch(
    @Parent() cluster: ClusterView,
    @Args('url') url: string,
    @Args('method', { nullable: true }) method?: string,
    @Args('gateway', { nullable: true }) gateway?: string,
    @Args('headers', { type: () => [String], nullable: true, description: '"Name: value"' }) headers?: string[],
    @Args('consistent', CONSISTENT) consistent?: boolean,
  ): Promise<object> {
    return this.northSouth.gatewayMatch(cluster.name, { url, method: method ?? undefined, gateway: gateway ?? undefined, header: headers ?? undefined, consistent: consistent ?? false });
  }
}
