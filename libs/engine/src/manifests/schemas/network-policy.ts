import * as z from 'zod';
import { cidrContainsCidr, parseCidr } from '../../addresses/cidr-blocks';
import { addFieldIssue, cidr, labelSelector, portNumberOrName, portNumber, protocol, status } from './field-rules';
import { objectMeta } from './object-meta';

/** networking.k8s.io/v1 NetworkPolicy, entirely strict: every field changes a verdict. */
export const ipBlock = z
  .strictObject({ cidr, except: z.array(cidr).optional() })
  .superRefine((block, ctx) => {
    const outer = parseCidr(block.cidr);
    if (!outer) return;
    (block.except ?? []).forEach((text, i) => {
      const inner = parseCidr(text);
      if (!inner) return;
      if (inner.family !== outer.family) {
        addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(text)}: must be of the same IP family as cidr ${JSON.stringify(block.cidr)}`, ['except', i]);
      } else if (!cidrContainsCidr(outer, inner) || inner.prefix === outer.prefix) {
        // ValidateIPBlock: the except block must be strictly smaller than cidr and inside it.
        addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${JSON.stringify(text)}: must be a strict subset of \`cidr\``, ['except', i]);
      }
    });
  });

export const networkPolicyPeer = z.strictObject({
  podSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  ipBlock: ipBlock.optional(),
}).superRefine((peer, ctx) => {
  // ValidateNetworkPolicyPeer: ipBlock excludes the selectors, and a peer must say something.
  const selectors = (peer.podSelector ? 1 : 0) + (peer.namespaceSelector ? 1 : 0);
  if (peer.ipBlock && selectors > 0) addFieldIssue(ctx, 'FieldValueForbidden', 'Forbidden: may not specify both ipBlock and another peer');
  if (!peer.ipBlock && selectors === 0) addFieldIssue(ctx, 'FieldValueRequired', 'Required value: must specify a peer');
});

export const networkPolicyPort = z
  .strictObject({ protocol: protocol.optional(), port: portNumberOrName.optional(), endPort: portNumber.optional() })
  .superRefine((p, ctx) => {
    if (p.endPort === undefined) return;
    if (p.port === undefined || typeof p.port === 'string') {
      addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${p.endPort}: may not be specified when port is not a number`, ['endPort']);
    } else if (typeof p.port === 'number' && p.endPort < p.port) {
      // Warn mode keeps it (rule endPortBelowPort): the range port..endPort is then empty and matches no port.
      addFieldIssue(ctx, 'FieldValueInvalid', `Invalid value: ${p.endPort}: must be greater than or equal to \`port\``, ['endPort'], 'endPortBelowPort');
    }
  });

export const networkPolicySpec = z.strictObject({
  // A struct, not a pointer, in the Go type: omitted means the empty selector (all pods).
  podSelector: labelSelector.optional(),
  ingress: z.array(z.strictObject({ ports: z.array(networkPolicyPort).optional(), from: z.array(networkPolicyPeer).optional() })).optional(),
  egress: z.array(z.strictObject({ ports: z.array(networkPolicyPort).optional(), to: z.array(networkPolicyPeer).optional() })).optional(),
  policyTypes: z.array(z.enum(['Ingress', 'Egress'])).optional(),
});

export const networkPolicy = z.strictObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: objectMeta,
  spec: networkPolicySpec,
  // NetworkPolicyStatus existed in v1.24–v1.27; exports from those clusters carry it.
  status,
});
