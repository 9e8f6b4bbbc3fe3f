// Compiles peers/map-light-node/contracts with solcjs 0.8.20 (standard JSON, optimizer on, 200
// runs, as MAP's hardhat.config.js), imports of `@openzeppelin/...` and `@mapprotocol/...`
// resolved from the npm packages; writes <out>/<Contract>.bin for the deployed contracts. Run
// through scripts/map-peer.sh:
//
//   node scripts/map-peer.js <node_modules> <contracts dir> <out dir>
'use strict';

const fs = require('fs');
const path = require('path');

const [modules, contracts, out] = process.argv.slice(2);
const solc = require(path.join(modules, 'solc'));
const DEPLOYED = ['LightNode', 'LightNodeProxy', 'VerifyTool'];
const UNITS = ['LightNode.sol', 'LightNodeProxy.sol', 'VerifyTool.sol'];

function fail(message) {
  console.error(`map-peer: ${message}`);
  process.exit(1);
}

function read(unit) {
  const file = unit.startsWith('@') ? path.join(modules, unit) : path.join(contracts, unit);
  return fs.readFileSync(file, 'utf8');
}

const sources = Object.fromEntries(UNITS.map((unit) => [unit, { content: read(unit) }]));
const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['evm.bytecode.object'] } },
  },
};
const imports = (unit) => {
  try {
    return { contents: read(unit) };
  } catch (error) {
    return { error: `${unit}: ${error.message}` };
  }
};
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: imports }));
const errors = (output.errors || []).filter((problem) => problem.severity === 'error');
for (const problem of errors) console.error(problem.formattedMessage || problem.message);
if (errors.length > 0) fail(`${errors.length} compile error(s)`);
fs.mkdirSync(out, { recursive: true });
for (const name of DEPLOYED) {
  const unit = Object.keys(output.contracts).find((key) => output.contracts[key][name]);
  if (!unit) fail(`no contract ${name} in the output`);
  fs.writeFileSync(path.join(out, `${name}.bin`), `${output.contracts[unit][name].evm.bytecode.object}\n`);
}
console.error(`map-peer: compiled ${DEPLOYED.join(', ')} with solc ${solc.version()} into ${out}`);
