import { Args, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { ClusterView } from '@switchyard/persistence';
import { ServiceLayerService } from '../service-layer/service-layer.service';
import { ClusterType, DnsRecordType, DnsResolutionType, RoutingTableType } from './graphql-types';

/** Routing tables and DNS on the Cluster type, over the same service as REST. */
@Resolver(() => ClusterType)
export class ServiceLayerResolver {
  constructor(private readonly serviceLayer: ServiceLayerService) {}

  @ResolveField(() => RoutingTableType)
  routes(
    @Parent() cluster: ClusterView,
    @Args('node', { nullable: true }) node?: string,
    @Args('format', { nullable: true, description: 'json | iptables | ipvs | nftables' }) format?: string,
    @Args('consistent', { nullable: true }) consistent?: boolean,
  ): Promise<RoutingTableType> {
    return this.serviceLayer.routes(cluster.name, { node: node ?? undefined, format: format ?? undefined, consistent: consistent ?? false }) as Promise<RoutingTableType>;
  }

  @ResolveField(() => [DnsRecordType])
  async dnsRecords(
    @Parent() cluster: ClusterView,
    @Args('name', { nullable: true }) name?: string,
    @Args('type', { nullable: true }) type?: string,
  ): Promise<DnsRecordType[]> {
    return (await this.serviceLayer.dnsRecords(cluster.name, { name: name ?? undefined, type: type ?? undefined })).records;
  }

  @ResolveField(() => DnsResolutionType)
  dnsResolve(
    @Parent() cluster: ClusterView,
    @Args('name') name: string,
    @Args('from') from: string,
    @Args('type', { nullable: true }) type?: string,
  ): Promise<DnsResolutionType> {
    return this.serviceLayer.resolve(cluster.name, { name, from, type: type ?? undefined }) as Promise<DnsResolutionType>;
  }
}
