import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { ClusterView, ObjectView } from '@switchyard/persistence';
import { ClusterService } from '../clusters/cluster.service';
import { ObjectService } from '../clusters/object.service';
import {
  ApplyOutcomeType,
  ClusterInput,
  ClusterType,
  DeleteOutcomeType,
  FieldValidationMode,
  KubeObjectType,
  ManifestFormat,
  ObjectPageType,
  RevisionType,
} from './graphql-types';

/** GraphQL leaves out absent arguments as null; the services read absent as undefined. */
function withoutNulls<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

export function toKubeObject(view: ObjectView): KubeObjectType {
  return {
    apiVersion: view.apiVersion,
    kind: view.kind,
    namespace: view.metadata.namespace,
    name: view.metadata.name,
    uid: view.metadata.uid,
    resourceVersion: view.metadata.resourceVersion,
    generation: view.metadata.generation,
    creationTimestamp: view.metadata.creationTimestamp,
    labels: view.metadata.labels,
    annotations: view.metadata.annotations,
    spec: view.spec,
    status: view.status,
    manifest: view,
  };
}

@Resolver(() => ClusterType)
export class ClustersResolver {
  constructor(
    private readonly clusterService: ClusterService,
    private readonly objectService: ObjectService,
  ) {}

  @Query(() => [ClusterType])
  clusters(): Promise<ClusterView[]> {
    return this.clusterService.list();
  }

  @Query(() => ClusterType)
  cluster(@Args('name') name: string): Promise<ClusterView> {
    return this.clusterService.get(name);
  }

  @ResolveField(() => ObjectPageType)
  async objects(
    @Parent() cluster: ClusterView,
    @Args('kind', { nullable: true }) kind?: string,
    @Args('namespace', { nullable: true }) namespace?: string,
    @Args('labelSelector', { nullable: true }) labelSelector?: string,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('continue', { nullable: true }) continueToken?: string,
    @Args('revision', { type: () => Int, nullable: true }) revision?: number,
  ): Promise<ObjectPageType> {
    const page = await this.objectService.list(
      cluster.name,
      withoutNulls({ kind, namespace, labelSelector, limit, continue: continueToken, revision }),
    );
    return { revision: page.revision, items: page.items.map(toKubeObject), continue: page.continue };
  }

  @ResolveField(() => KubeObjectType)
  async object(
    @Parent() cluster: ClusterView,
    @Args('kind') kind: string,
    @Args('name') name: string,
    @Args('namespace', { nullable: true, description: 'omit for cluster-scoped kinds' }) namespace?: string,
  ): Promise<KubeObjectType> {
    return toKubeObject(await this.objectService.get(cluster.name, kind, namespace ?? '', name));
  }

  @ResolveField(() => [RevisionType])
  async revisions(
    @Parent() cluster: ClusterView,
    @Args('limit', { type: () => Int, nullable: true }) limit?: number,
    @Args('before', { type: () => Int, nullable: true }) before?: number,
  ): Promise<RevisionType[]> {
    return (await this.objectService.revisions(cluster.name, withoutNulls({ limit, before }))).items;
  }

  @Mutation(() => ClusterType)
  createCluster(@Args('input') input: ClusterInput): Promise<ClusterView> {
    return this.clusterService.create(withoutNulls(input));
  }

  @Mutation(() => ClusterType)
  updateCluster(@Args('name') name: string, @Args('input') input: ClusterInput): Promise<ClusterView> {
    return this.clusterService.update(name, withoutNulls(input));
  }

  @Mutation(() => Boolean)
  async deleteCluster(@Args('name') name: string): Promise<boolean> {
    await this.clusterService.delete(name);
    return true;
  }

  @Mutation(() => ApplyOutcomeType, { description: 'Create or update objects like kubectl apply (all or nothing)' })
  apply(
    @Args('cluster') cluster: string,
    @Args('manifests', { description: 'Multi-document YAML, or JSON (object, v1 List, or array)' }) manifests: string,
    @Args('format', { type: () => ManifestFormat, nullable: true }) format?: ManifestFormat,
    @Args('dryRun', { nullable: true }) dryRun?: boolean,
    @Args('fieldValidation', { type: () => FieldValidationMode, nullable: true }) fieldValidation?: FieldValidationMode,
  ): Promise<ApplyOutcomeType> {
    return this.objectService.apply(cluster, manifests, format ?? ManifestFormat.YAML, {
      dryRun: dryRun ?? false,
      fieldValidation: fieldValidation ?? FieldValidationMode.Strict,
    });
  }

  @Mutation(() => DeleteOutcomeType)
  deleteObject(
    @Args('cluster') cluster: string,
    @Args('kind') kind: string,
    @Args('name') name: string,
    @Args('namespace', { nullable: true }) namespace?: string,
  ): Promise<DeleteOutcomeType> {
    return this.objectService.delete(cluster, kind, namespace ?? '', name);
  }
}
