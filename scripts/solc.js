// Compiles the workspace's Solidity with solcjs's standard-JSON interface: every abi/*.sol and the
// *.sol of each project (the Solidity Echo dApp, the devnet's cross-VM test contracts) in one
// compilation, optimizer on with 200 runs. Writes each deployable contract of a project as
// `<project>/out/<Contract>.bin` (creation bytecode, hex) and `<project>/out/<Contract>.abi.json`;
// with --check writes nothing and fails when an out/ differs from the fresh compile. Run through
// scripts/solc.sh, which installs the pinned solc:
//
//   node scripts/solc.js <solc package dir> <workspace root> [--check]
//
// Fails (exit 1) on any compiler error or warning, on a solc that is not the pinned build, and
// when abi/*.json is not what solc emits for abi/*.sol.
'use strict';

const fs = require('fs');
const path = require('path');

// The pinned compiler build: the artifacts are what this build writes (the version also sits in
// each bytecode's metadata), so another build must not pass for it.
const COMPILER = '0.8.30+commit.73712a01.Emscripten.clang';
const INTERFACES = 'abi';
// The folders whose contracts are deployed (by the tests, the demo, dApp developers and the
// devnet's genesis).
const PROJECTS = ['examples/solidity-echo', 'crates/devnet/tests/solidity', 'crates/devnet/contracts'];
// The projects whose contracts the devnet places at genesis: their runtime code is written too,
// as `<project>/out/<Contract>.runtime.bin`.
const PREDEPLOYED = ['crates/devnet/contracts'];
// Prague is solc 0.8.30's default; named so that a newer solc cannot change it silently.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'prague',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};

function fail(message) {
  console.error(`solc: ${message}`);
  process.exit(1);
}

/** The `.sol` files of `dir` (relative to the root), by name. */
function solidityFiles(root, dir) {
  return fs
    .readdirSync(path.join(root, dir))
    .filter((name) => name.endsWith('.sol'))
    .sort()
    .map((name) => `${dir}/${name}`);
}

/** Source units are named by their path from the root; an import may not leave it. */
function importer(root) {
  return (unit) => {
    const file = path.resolve(root, unit);
    if (!file.startsWith(root + path.sep)) return { error: `${unit} is outside the workspace` };
    try {
      return { contents: fs.readFileSync(file, 'utf8') };
    } catch (error) {
      return { error: `${unit}: ${error.message}` };
    }
  };
}

/** Compiles `units` together; the standard-JSON output. Exits on any error or warning. */
function compile(solc, root, units) {
  const sources = Object.fromEntries(
    units.map((unit) => [unit, { content: fs.readFileSync(path.join(root, unit), 'utf8') }]),
  );
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: importer(root) }));
  const problems = output.errors || [];
  for (const problem of problems) console.error(problem.formattedMessage || problem.message);
  if (problems.length > 0) fail(`${problems.length} error(s) or warning(s): the Solidity must compile cleanly`);
  return output;
}

/** The artifacts of a project's deployable contracts: file name under out/ -> contents. */
function artifacts(output, project) {
  const files = new Map();
  for (const unit of project.units) {
    for (const [name, contract] of Object.entries(output.contracts[unit] || {})) {
      if (contract.evm.bytecode.object === '') continue; // an interface or abstract contract
      if (files.has(`${name}.bin`)) fail(`two contracts are named ${name}`);
      files.set(`${name}.bin`, `${contract.evm.bytecode.object}\n`);
      if (PREDEPLOYED.includes(project.dir)) {
        files.set(`${name}.runtime.bin`, `${contract.evm.deployedBytecode.object}\n`);
      }
      files.set(`${name}.abi.json`, `${JSON.stringify(contract.abi, null, 2)}\n`);
    }
  }
  return files;
}

/** An ABI as a comparable string: entries sorted, `internalType` (solc's own annotation) left out. */
function canonicalAbi(abi) {
  const strip = (value) =>
    Array.isArray(value)
      ? value.map(strip)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .filter((key) => key !== 'internalType')
              .sort()
              .map((key) => [key, strip(value[key])]),
          )
        : value;
  return JSON.stringify(strip(abi).map((entry) => JSON.stringify(entry)).sort());
}

/** abi/<Name>.json must be the ABI solc emits for interface <Name> of abi/<Name>.sol. */
function checkInterfaceAbis(output, root, units) {
  for (const unit of units) {
    const name = path.basename(unit, '.sol');
    const compiled = (output.contracts[unit] || {})[name];
    if (!compiled) fail(`${unit} declares no contract or interface ${name}`);
    const shipped = JSON.parse(fs.readFileSync(path.join(root, INTERFACES, `${name}.json`), 'utf8'));
    if (canonicalAbi(shipped) !== canonicalAbi(compiled.abi)) {
      fail(`${INTERFACES}/${name}.json is not the ABI solc emits for ${unit} (run \`make abi\`)`);
    }
  }
}

/** The differences between `out` (relative to the root) and `files`, one line each. */
function differences(root, out, files) {
  const dir = path.join(root, out);
  const present = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  const lines = [];
  for (const [name, contents] of files) {
    if (!present.includes(name)) lines.push(`missing: ${out}/${name}`);
    else if (fs.readFileSync(path.join(dir, name), 'utf8') !== contents) lines.push(`differs: ${out}/${name}`);
  }
  for (const name of present) if (!files.has(name)) lines.push(`not compiled from any source: ${out}/${name}`);
  return lines;
}

function main() {
  const [solcDir, root, ...flags] = process.argv.slice(2);
  if (!solcDir || !root || flags.some((flag) => flag !== '--check')) {
    fail('usage: node scripts/solc.js <solc package dir> <workspace root> [--check]');
  }
  const solc = require(path.resolve(solcDir));
  if (solc.version() !== COMPILER) fail(`solc is ${solc.version()}, expected ${COMPILER}`);
  const interfaces = solidityFiles(root, INTERFACES);
  const projects = PROJECTS.map((dir) => ({ dir, out: `${dir}/out`, units: solidityFiles(root, dir) }));
  const output = compile(solc, root, [...interfaces, ...projects.flatMap((project) => project.units)]);
  checkInterfaceAbis(output, root, interfaces);
  const sources = [`${interfaces.length} ${INTERFACES}/*.sol`, ...projects.map((p) => `${p.units.length} ${p.dir}/*.sol`)];
  const summary = `${sources.join(', ')} (solc ${solc.version()})`;
  if (flags.includes('--check')) {
    const lines = projects.flatMap((project) => differences(root, project.out, artifacts(output, project)));
    if (lines.length > 0) {
      for (const line of lines) console.error(line);
      fail('an out/ folder is not what its sources compile to: run `make sol` and commit it');
    }
    console.log(`solc: ${summary} compile; every out/ is up to date`);
    return;
  }
  for (const project of projects) {
    const files = artifacts(output, project);
    const dir = path.join(root, project.out);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, contents] of files) fs.writeFileSync(path.join(dir, name), contents);
  }
  console.log(`solc: ${summary} compiled; artifacts written to ${projects.map((p) => p.out).join(' and ')}`);
}

main();
