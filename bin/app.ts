/**
 * This repository's example app, written as any modelstack project's: the public `modelstack/app` over the typed
 * environments of `config/environments.ts`. `npx cdk synth` builds every environment; `-c env=prod` builds one.
 */
import { join } from 'node:path';
import { runApp } from 'modelstack/app';
import { environments } from '../config/environments';

void runApp({ environments, projectRoot: join(__dirname, '..') });
