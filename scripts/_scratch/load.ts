import { pacedLoad } from '../bench/paced-load';
async function main() {
  const paths = Array.from({ length: 2000 }, (_, i) => `/api/r?from=ns${i % 7}/pod${i}&to=ns${i % 5}/pod${i * 3}&port=80`);
  const r = await pacedLoad({ url: process.argv[2]!, paths, rate: 1000, durationS: Number(process.argv[3] ?? 10), connections: 10, warmupS: 2 });
  const f = (p: any) => `p50 ${p.p50.toFixed(2)} p99 ${p.p99.toFixed(2)} max ${p.max.toFixed(1)}`;
  console.log(`due: ${f(r.latency)} | send: ${f(r.sendToAnswer)} | late: ${f(r.lateness)} ok ${r.ok}`);
}
void main();
