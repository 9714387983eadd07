#!/usr/bin/env node
// Shim: all logic lives in src/ (compiled to dist/) and is importable as a library.
import { main } from '../dist/cli/main.js';

await main(process.argv.slice(2));
