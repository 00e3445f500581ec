import 'reflect-metadata';
import { Controller, Get, Module, Query } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PrototypedExpressAdapter } from '../../apps/api/src/http/prototyped-express-adapter';
@Controller('api')
class C { @Get('r') r(@Query('from') from: string, @Query('to') to: string) { return { allowed: true, revision: 3, explanation: { from, to, egress: { isolated: true, selectingPolicies: ['a/b'], allowedBy: [{ policy: 'a/b', ruleIndex: 0, peer: 'x', port: 'TCP 80' }] }, ingress: { isolated: false } } }; } }
@Module({ controllers: [C] }) class M {}
async function main() {
  const kind = process.argv[2];
  const app = kind === 'fastify' ? await NestFactory.create(M, new FastifyAdapter(), { logger: false }) : await NestFactory.create(M, new PrototypedExpressAdapter(), { logger: false });
  await app.listen(Number(process.argv[3]), '127.0.0.1');
  console.log('up');
}
void main();
