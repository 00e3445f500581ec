import { createUnionType, Field, Float, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';

export enum ManifestFormat {
  YAML = 'yaml',
  JSON = 'json',
}
registerEnumType(ManifestFormat, { name: 'ManifestFormat' });

export enum FieldValidationMode {
  Strict = 'Strict',
  Warn = 'Warn',
}
registerEnumType(FieldValidationMode, {
  name: 'FieldValidation',
  description: 'Strict rejects every invalid field; Warn accepts what the network model can read and reports it',
});

@ObjectType('Cluster')
export class ClusterType {
  @Field() name!: string;
  @Field() podCidr!: string;
  @Field() serviceCidr!: string;
  @Field() clusterDomain!: string;
  @Field() cni!: string;
  @Field() kubeProxyMode!: string;
  @Field() nodePortRange!: string;
  @Field(() => Int, { description: 'How often the background audit re-runs' }) auditIntervalSeconds!: number;
  @Field(() => [GraphQLJSONObject], { description: 'Which workload runs each ingress controller: {controller, workload: {kind, namespace, name}}' })
  ingressControllers!: object[];
  @Field(() => Int, { description: 'Advanced by every change to the cluster' }) revision!: number;
  @Field(() => Int, { description: 'The revision the latest computed snapshot reflects' }) computedRevision!: number;
  @Field({ description: 'pending | computing | ready | failed' }) computeState!: string;
  @Field(() => String, { nullable: true, description: 'Why the last computation failed' }) computeError!: string | null;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType('KubeObject')
export class KubeObjectType {
  @Field() apiVersion!: string;
  @Field() kind!: string;
  @Field({ nullable: true }) namespace?: string;
  @Field() name!: string;
  @Field() uid!: string;
  @Field() resourceVersion!: string;
  @Field(() => Int) generation!: number;
  @Field() creationTimestamp!: string;
  @Field(() => GraphQLJSONObject) labels!: Record<string, string>;
  @Field(() => GraphQLJSONObject) annotations!: Record<string, string>;
  @Field(() => GraphQLJSON, { nullable: true }) spec?: unknown;
  @Field(() => GraphQLJSON, { nullable: true }) status?: unknown;
  @Field(() => GraphQLJSONObject, { description: 'The whole object as REST shows it' }) manifest!: object;
}

@ObjectType('ObjectPage')
export class ObjectPageType {
  @Field(() => Int, { description: 'The revision every page of this list reads' }) revision!: number;
  @Field(() => [KubeObjectType]) items!: KubeObjectType[];
  @Field({ nullable: true, description: 'Pass back to read the next page' }) continue?: string;
}

@ObjectType('ApplyResult')
export class ApplyResultType {
  @Field() apiVersion!: string;
  @Field() kind!: string;
  @Field({ nullable: true }) namespace?: string;
  @Field() name!: string;
  @Field({ description: 'created | configured | unchanged' }) action!: string;
  @Field({ nullable: true, description: 'A namespace created because objects used it' }) implied?: boolean;
  @Field(() => [String], { nullable: true }) warnings?: string[];
}

@ObjectType('ApplyOutcome')
export class ApplyOutcomeType {
  @Field(() => Int) revision!: number;
  @Field() dryRun!: boolean;
  @Field(() => [ApplyResultType]) results!: ApplyResultType[];
}

@ObjectType('ObjectRef')
export class ObjectRefType {
  @Field() kind!: string;
  @Field({ nullable: true }) namespace?: string;
  @Field() name!: string;
}

@ObjectType('DeleteOutcome')
export class DeleteOutcomeType {
  @Field(() => Int) revision!: number;
  @Field(() => [ObjectRefType]) deleted!: ObjectRefType[];
}

@ObjectType('RevisionChange')
export class RevisionChangeType extends ObjectRefType {
  @Field({ description: 'ADDED | MODIFIED | DELETED' }) type!: string;
}

@ObjectType('Revision')
export class RevisionType {
  @Field(() => Int) revision!: number;
  @Field() operation!: string;
  @Field() createdAt!: string;
  @Field(() => Int) added!: number;
  @Field(() => Int) modified!: number;
  @Field(() => Int) deleted!: number;
  @Field(() => [RevisionChangeType]) changes!: RevisionChangeType[];
}

@InputType('ClusterInput')
export class ClusterInput {
  @Field({ nullable: true }) name?: string;
  @Field({ nullable: true }) podCidr?: string;
  @Field({ nullable: true }) serviceCidr?: string;
  @Field({ nullable: true }) clusterDomain?: string;
  @Field({ nullable: true }) cni?: string;
  @Field({ nullable: true }) kubeProxyMode?: string;
  @Field({ nullable: true }) nodePortRange?: string;
  @Field(() => Int, { nullable: true }) auditIntervalSeconds?: number;
  @Field(() => [GraphQLJSONObject], { nullable: true }) ingressControllers?: object[];
}

@ObjectType('Reachability')
export class ReachabilityType {
  @Field({ description: 'What packets do, given the CNI plugin' }) allowed!: boolean;
  @Field({ description: 'What the NetworkPolicies alone say' }) policyAllowed!: boolean;
  @Field() enforced!: boolean;
  @Field(() => Int, { description: 'The revision the answer reflects' }) revision!: number;
  @Field(() => Int, { nullable: true, description: 'Set when the cluster has moved on since' }) latestRevision?: number;
  @Field() from!: string;
  @Field() to!: string;
  @Field() port!: string;
  @Field() protocol!: string;
  @Field(() => [String]) warnings!: string[];
  @Field(() => GraphQLJSONObject, { description: 'Per direction: isolation, selecting policies, allowing rules, reason' }) explanation!: object;
  @Field(() => [GraphQLJSONObject], { nullable: true, description: 'Every pod pair, when a workload was asked' }) pairs?: object[];
}

@ObjectType('ReachabilityMatrix')
export class ReachabilityMatrixType {
  @Field(() => Int) revision!: number;
  @Field(() => [String]) pods!: string[];
  @Field(() => [[Boolean]], { description: 'Rows are sources, columns destinations' }) allowed!: boolean[][];
  @Field() enforced!: boolean;
  @Field(() => [String]) warnings!: string[];
}

@ObjectType('ConnectionRow')
export class ConnectionRowType {
  @Field() src!: string;
  @Field() dst!: string;
  @Field() conn!: string;
}

@ObjectType('Connections')
export class ConnectionsType {
  @Field(() => Int) revision!: number;
  @Field(() => [ConnectionRowType]) rows!: ConnectionRowType[];
  @Field({ description: 'The rows rendered in the requested format' }) text!: string;
}

@ObjectType('ServiceEndpointVerdict')
export class ServiceEndpointVerdictType {
  @Field({ nullable: true, description: '<ns>/<name> of the endpoint pod' }) pod?: string;
  @Field() ip!: string;
  @Field(() => Int, { description: 'The target port the packet arrives on' }) port!: number;
  @Field() ready!: boolean;
  @Field() allowed!: boolean;
  @Field({ nullable: true }) reason?: string;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The policy verdict to this endpoint, per direction' }) explanation?: object;
}

@ObjectType('ServiceReachability', { description: 'Reaching a Service: DNS, virtual IP, endpoints, and the policy verdict to each endpoint' })
export class ServiceReachabilityType {
  @Field({ description: 'all | some | none' }) allowed!: string;
  @Field(() => Int) revision!: number;
  @Field(() => Int, { nullable: true }) latestRevision?: number;
  @Field() from!: string;
  @Field() reason!: string;
  @Field(() => GraphQLJSONObject, { description: 'DNS resolution, service, virtual IP, service port, node port or ExternalName' }) path!: object;
  @Field(() => [ServiceEndpointVerdictType]) endpoints!: ServiceEndpointVerdictType[];
  @Field(() => [String]) warnings!: string[];
}

@ObjectType('UrlReachStep', { description: 'One step of a URL answer: the client to the proxy, the rule, the backends' })
export class UrlReachStepType {
  @Field({ description: 'entry | route | backends' }) step!: string;
  @Field({ description: 'all | some | none' }) allowed!: string;
  @Field() text!: string;
}

@ObjectType('UrlEndpointVerdict')
export class UrlEndpointVerdictType {
  @Field({ description: '<ns>/<service>:<port> of the backend leading here' }) backend!: string;
  @Field({ nullable: true, description: '<ns>/<name> of the endpoint pod' }) pod?: string;
  @Field() ip!: string;
  @Field(() => Int, { description: 'The target port the request arrives on' }) port!: number;
  @Field() ready!: boolean;
  @Field(() => Float, { description: 'Share of the requests this endpoint receives (backend weight, then evenly over ready endpoints)' }) share!: number;
  @Field() allowed!: boolean;
  @Field({ nullable: true, description: 'What the policies alone say' }) policyAllowed?: boolean;
  @Field() reason!: string;
  @Field({ description: 'The proxy the request comes from: <ns>/<workload>[Kind] or {ingress-controller}' }) via!: string;
  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The proxy pod shown and the policy verdict per direction' }) explanation?: object;
}

@ObjectType('UrlReachability', { description: 'Reaching a URL: client → ingress controller or Gateway → Ingress/HTTPRoute rule → weighted backends → endpoints, with the policy verdict to each' })
export class UrlReachabilityType {
  @Field({ nullable: true, description: 'ingress | gateway: the API whose rule serves the URL' }) via?: string;
  @Field({ description: 'all | some | none' }) allowed!: string;
  @Field(() => Float, { description: 'Share of the requests that reach an allowed endpoint' }) allowedShare!: number;
  @Field(() => Int) revision!: number;
  @Field(() => Int, { nullable: true }) latestRevision?: number;
  @Field({ nullable: true }) stale?: boolean;
  @Field() from!: string;
  @Field() reason!: string;
  @Field(() => GraphQLJSONObject, { description: 'The URL; Ingress class, rule and backend, or Gateway, listener, HTTPRoute, rule and weighted backends; the proxy (controller) and the entry Service with its source ranges' })
  path!: object;
  @Field(() => [UrlReachStepType]) steps!: UrlReachStepType[];
  @Field(() => [UrlEndpointVerdictType]) endpoints!: UrlEndpointVerdictType[];
  @Field(() => [GraphQLJSONObject], { description: 'Rules that did not take the request, with why' }) candidates!: object[];
  @Field(() => [String]) warnings!: string[];
  @Field(() => [UrlReachabilityType], { nullable: true, description: "The other API's answer, when both an Ingress and a Gateway serve the URL" })
  alternatives?: UrlReachabilityType[];
}

export const ReachabilityAnswer = createUnionType({
  name: 'ReachabilityAnswer',
  description: 'A pod or address answer (allowed: Boolean), a Service answer or a URL answer (allowed: all | some | none)',
  types: () => [ReachabilityType, ServiceReachabilityType, UrlReachabilityType] as const,
  resolveType: (value: { endpoints?: unknown; steps?: unknown }) =>
    Array.isArray(value.steps) ? UrlReachabilityType : Array.isArray(value.endpoints) ? ServiceReachabilityType : ReachabilityType,
});

@ObjectType('RoutingTable')
export class RoutingTableType {
  @Field(() => Int) revision!: number;
  @Field({ nullable: true }) node?: string;
  @Field({ description: 'json | iptables | ipvs | nftables' }) format!: string;
  @Field({ description: "The cluster's kubeProxyMode" }) mode!: string;
  @Field(() => GraphQLJSONObject, { description: 'The table: routes with their frontends and endpoints' }) table!: object;
  @Field({ nullable: true, description: 'The rendering in the requested format (absent for json)' }) text?: string;
}

@ObjectType('DnsRecord')
export class DnsRecordType {
  @Field() name!: string;
  @Field() type!: string;
  @Field() value!: string;
  @Field(() => Int) ttl!: number;
  @Field() source!: string;
}

@ObjectType('DnsResolution')
export class DnsResolutionType {
  @Field(() => Int) revision!: number;
  @Field(() => [String]) searchPath!: string[];
  @Field(() => [GraphQLJSONObject], { description: 'Each query tried, in order: name, rcode, answers, reason' }) queries!: object[];
  @Field(() => GraphQLJSONObject, { description: 'rcode, addresses, CNAME chain, records' }) answer!: object;
  @Field() reason!: string;
}
