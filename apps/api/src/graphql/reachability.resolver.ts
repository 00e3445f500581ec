import { Args, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { ClusterView } from '@switchyard/persistence';
import { ReachabilityService } from '../reachability/reachability.service';
import { ClusterType, ConnectionsType, ReachabilityAnswer, ReachabilityMatrixType, ReachabilityType, ServiceReachabilityType, UrlReachabilityType } from './graphql-types';

/** The three questions on the Cluster type, over the same service as REST. */
@Resolver(() => ClusterType)
export class ReachabilityResolver {
  constructor(private readonly reachabilityService: ReachabilityService) {}

  @ResolveField(() => ReachabilityAnswer, { description: 'to: a pod, workload, IP, svc/<ns>/<name>, DNS name, ClusterIP, <nodeIP>:<nodePort>, or an http(s) URL' })
  async reachability(
    @Parent() cluster: ClusterView,
    @Args('from') from: string,
    @Args('to') to: string,
    @Args('port', { nullable: true, description: 'a number or a name; optional for a Service with one port' }) port?: string,
    @Args('protocol', { nullable: true }) protocol?: string,
    @Args('via', { nullable: true, description: 'URL only: ingress | gateway (default: both; the Ingress answer first, the other in alternatives)' }) via?: string,
    @Args('class', { nullable: true, description: 'URL only: the IngressClass, when several exist and none is the default' }) ingressClass?: string,
    @Args('gateway', { nullable: true, description: 'URL only: <ns>/<name> of the Gateway, when several listen for the URL' }) gateway?: string,
    @Args('consistent', { nullable: true }) consistent?: boolean,
  ): Promise<ReachabilityType | ServiceReachabilityType | UrlReachabilityType> {
    const answer = await this.reachabilityService.reachability(cluster.name, {
      from,
      to,
      port: port ?? undefined,
      protocol: protocol ?? undefined,
      via: via ?? undefined,
      class: ingressClass ?? undefined,
      gateway: gateway ?? undefined,
      consistent: consistent ?? false,
    });
    return 'endpoints' in answer ? answer : { ...answer, port: String(answer.port) };
  }

  @ResolveField(() => ReachabilityMatrixType)
  reachabilityMatrix(
    @Parent() cluster: ClusterView,
    @Args('port', { type: () => Int }) port: number,
    @Args('protocol', { nullable: true }) protocol?: string,
    @Args('namespace', { nullable: true }) namespace?: string,
    @Args('consistent', { nullable: true }) consistent?: boolean,
  ): Promise<ReachabilityMatrixType> {
    return this.reachabilityService.matrix(cluster.name, { port: String(port), protocol: protocol ?? undefined, namespace: namespace ?? undefined, consistent: consistent ?? false });
  }

  @ResolveField(() => ConnectionsType)
  connections(
    @Parent() cluster: ClusterView,
    @Args('format', { nullable: true, description: 'txt | csv | json | md | dot' }) format?: string,
    @Args('focus', { nullable: true, description: '<namespace>/<workload>' }) focus?: string,
    @Args('consistent', { nullable: true }) consistent?: boolean,
  ): Promise<ConnectionsType> {
    return this.reachabilityService.connections(cluster.name, { format: format ?? undefined, focus: focus ?? undefined, consistent: consistent ?? false });
  }
}
