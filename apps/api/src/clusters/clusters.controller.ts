import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ClusterService } from './cluster.service';

const CLUSTER_BODY = {
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', example: 'prod' },
      podCidr: { type: 'string', example: '10.244.0.0/16' },
      serviceCidr: { type: 'string', example: '10.96.0.0/12' },
      clusterDomain: { type: 'string', example: 'cluster.local' },
      cni: { type: 'string', enum: ['calico', 'cilium', 'flannel', 'weave', 'antrea', 'canal', 'other'] },
      kubeProxyMode: { type: 'string', enum: ['iptables', 'ipvs', 'nftables'] },
      nodePortRange: { type: 'string', example: '30000-32767' },
      auditIntervalSeconds: { type: 'integer', example: 3600 },
      ingressControllers: {
        type: 'array',
        items: { type: 'object', example: { controller: 'k8s.io/ingress-nginx', workload: { kind: 'Deployment', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' } } },
      },
    },
  },
};

@ApiTags('clusters')
@Controller('api/v1/clusters')
export class ClustersController {
  constructor(private readonly clusters: ClusterService) {}

  @Post()
  @ApiOperation({ summary: 'Create a cluster (409 when the name is taken)' })
  @ApiBody(CLUSTER_BODY)
  create(@Body() body: unknown) {
    return this.clusters.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List clusters' })
  async list() {
    return { items: await this.clusters.list() };
  }

  @Get(':cluster')
  @ApiOperation({ summary: 'Read a cluster, with its revision' })
  get(@Param('cluster') cluster: string) {
    return this.clusters.get(cluster);
  }

  @Patch(':cluster')
  @ApiOperation({ summary: 'Change cluster settings (the name cannot change)' })
  @ApiBody(CLUSTER_BODY)
  update(@Param('cluster') cluster: string, @Body() body: unknown) {
    return this.clusters.update(cluster, body);
  }

  @Post(':cluster/recompute')
  @HttpCode(202)
  @ApiOperation({ summary: 'Force a recomputation of the cluster (answers at once; watch computeState)' })
  async recompute(@Param('cluster') cluster: string) {
    await this.clusters.recompute(cluster, { force: true });
    return this.clusters.get(cluster);
  }

  @Delete(':cluster')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a cluster with all its objects and history' })
  async delete(@Param('cluster') cluster: string): Promise<void> {
    await this.clusters.delete(cluster);
  }
}
