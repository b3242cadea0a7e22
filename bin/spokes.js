#!/usr/bin/env node
// The `spokes` command. Node >= 22.19 runs our TypeScript sources directly (type stripping).
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
