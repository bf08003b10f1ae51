#!/usr/bin/env node
// Plain JavaScript so that an older Node gets a clear message instead of a syntax error:
// the rest of Herald is TypeScript that Node 24 runs as it is.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `herald needs Node.js 24 or later; this is ${process.version}.\n` +
      'Install it next to your system Node with:\n' +
      '  npm install --prefix ~/.cache/herald/node24 node@24\n' +
      '  export PATH=~/.cache/herald/node24/node_modules/.bin:$PATH',
  );
  process.exit(2);
}
// Warnings and errors only, unless asked: set before the logger exists, because Powertools puts
// a logger back to the level it was made with on every (local) invocation.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
