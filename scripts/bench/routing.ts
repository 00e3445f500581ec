/**
 * Routing-table benchmark (issue "Services and cluster DNS", §3): a node's table for a seeded
 * cluster of 10k Services × 10 endpoints, computed and rendered as kube-proxy would program it.
 * Target: ≤ 2 s for the table. Prints medians of wall and CPU time per stage.
 *
 *   npx tsx scripts/bench/routing.ts [--services 10000] [--endpoints 10] [--runs 3]
 */
import { performance } from 'node:perf_hooks';
import { renderIptables, renderIpvs, renderNftables, routingTable } from '../../libs/engine/src';
import { syntheticServiceCluster } from '../../libs/engine/src/services/routing-table.bench-fixture';
import { median } from './stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const services = arg('services', 10_000);
const endpoints = arg('endpoints', 10);
const runs = arg('runs', 3);

function timed<T>(fn: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { value, wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

const cluster = syntheticServiceCluster(services, endpoints);
const stages: Record<string, { wall: number[]; cpu: number[] }> = {};
const record = (stage: string, t: { wallMs: number; cpuMs: number }) => {
  stages[stage] ??= { wall: [], cpu: [] };
  stages[stage].wall.push(t.wallMs);
  stages[stage].cpu.push(t.cpuMs);
};
let lines = 0;
for (let run = 0; run < runs; run++) {
  const table = timed(() => routingTable(cluster.services, cluster.endpoints, cluster.nodes, cluster.nodeName, { clusterCidr: cluster.clusterCidr }));
  record('routingTable', table);
  const iptables = timed(() => renderIptables(table.value));
  record('renderIptables', iptables);
  lines = iptables.value.split('\n').length;
  record('renderIpvs', timed(() => renderIpvs(table.value)));
  record('renderNftables', timed(() => renderNftables(table.value)));
}
console.log(`routing: ${services} services × ${endpoints} endpoints, ${runs} runs, iptables-save ${lines} lines, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
console.log('| stage | wall (median) | CPU (median) |');
console.log('|---|---|---|');
for (const [stage, t] of Object.entries(stages)) console.log(`| ${stage} | ${median(t.wall).toFixed(0)} ms | ${median(t.cpu).toFixed(0)} ms |`);
const table = median(stages.routingTable!.wall) + median(stages.renderIptables!.wall);
console.log(`table + iptables rendering: ${table.toFixed(0)} ms (target ≤ 2000 ms: ${table <= 2000 ? 'met' : 'missed'})`);
