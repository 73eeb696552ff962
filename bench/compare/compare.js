#!/usr/bin/env node
// Runs one corpus through one or all npm peers and prints one JSON line per peer:
//   {"peer", "version", "output", "messages", "errors", "bytes", "runs", "best_s", "median_s",
//    "mb_per_s", "messages_per_s"}  or  {"peer", "available": false, "reason"}.
// Only parsing is timed (the file is read and split first); each peer parses the whole corpus once
// to warm up its JIT, then `--runs` times; the best run gives MB/s (10^6 corpus bytes per second).
//
// usage: node compare.js CORPUS [--runs K] [--peer NAME]   |   node compare.js --list
'use strict';
const path = require('path');
const { loadCorpus } = require('./corpus');

// Each peer: how to load it, what its output is (labelled honestly: a tree of strings, or JSON), and
// a parse function returning something that depends on the parse, so the work cannot be skipped.
const peers = [
  {
    name: 'simple-hl7',
    output: 'tree',
    load: () => {
      const { Parser } = require('simple-hl7');
      const parser = new Parser({ segmentSeperator: '\r' });
      return (text) => parser.parse(text).segments.length;
    },
  },
  {
    name: '@medplum/core',
    output: 'tree',
    load: () => {
      const { Hl7Message } = require('@medplum/core');
      return (text) => Hl7Message.parse(text).segments.length;
    },
  },
  {
    name: '@redoxengine/redox-hl7-v2',
    output: 'json-object',  // schema-driven JSON as a JS object (not serialized)
    load: () => {
      const { Parser } = require('@redoxengine/redox-hl7-v2');
      const parser = new Parser();
      return (text) => Object.keys(parser.parse(text)).length;
    },
  },
  {
    name: '@redoxengine/redox-hl7-v2+stringify',
    package: '@redoxengine/redox-hl7-v2',
    output: 'json-text',  // the same, serialized with JSON.stringify: comparable to hl7v2's JSON text
    load: () => {
      const { Parser } = require('@redoxengine/redox-hl7-v2');
      const parser = new Parser();
      return (text) => JSON.stringify(parser.parse(text)).length;
    },
  },
  {
    name: 'hl7-standard',
    output: 'tree',
    load: () => {
      const HL7 = require('hl7-standard');
      return (text) => {
        const msg = new HL7(text, { lineEndings: '\r' });
        msg.transform();
        return Object.keys(msg.transformed).length;
      };
    },
  },
];

function packageVersion(name) {
  try {
    return require(path.join(name, 'package.json')).version;
  } catch {
    // Packages with an "exports" map hide package.json; find it through the resolved entry point.
    try {
      let dir = path.dirname(require.resolve(name));
      for (let i = 0; i < 6; i++, dir = path.dirname(dir)) {
        try {
          const pkg = require(path.join(dir, 'package.json'));
          if (pkg.name === name) return pkg.version;
        } catch { /* keep looking upwards */ }
      }
    } catch { /* not installed */ }
    return null;
  }
}

function runPeer(peer, corpus, runs) {
  const pkg = peer.package || peer.name;
  let parse;
  try {
    parse = peer.load();
  } catch (e) {
    return { peer: peer.name, available: false, reason: `cannot load ${pkg} (run npm ci in bench/compare)` };
  }
  const { messages } = corpus;
  let errors = 0;
  let sink = 0;
  const pass = () => {
    errors = 0;
    for (let i = 0; i < messages.length; i++) {
      try {
        sink += parse(messages[i]);
      } catch {
        errors++;  // a peer's exception text may quote message data: count it, never print it
      }
    }
  };
  pass();  // warm-up
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    pass();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  const best = times[0];
  const median = times.length % 2 ? times[times.length >> 1]
                                  : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  return {
    peer: peer.name,
    version: packageVersion(pkg),
    runtime: `node ${process.versions.node}`,
    output: peer.output,
    messages: messages.length,
    errors,
    bytes: corpus.bytes,
    runs,
    best_s: best,
    median_s: median,
    mb_per_s: corpus.bytes / 1e6 / best,
    messages_per_s: messages.length / best,
    checksum: sink % 1000000007,
  };
}

function main(argv) {
  const args = argv.slice(2);
  let file = null;
  let runs = 5;
  let only = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--list') {
      process.stdout.write(peers.map((p) => p.name).join('\n') + '\n');
      return;
    }
    if (args[i] === '--runs') runs = Number(args[++i]);
    else if (args[i] === '--peer') only = args[++i];
    else if (file === null) file = args[i];
    else throw new Error('usage: node compare.js CORPUS [--runs K] [--peer NAME]');
  }
  if (!file || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write('usage: node compare.js CORPUS [--runs K] [--peer NAME]\n');
    process.exit(2);
  }
  const corpus = loadCorpus(file);
  const selected = peers.filter((p) => only === null || p.name === only);
  if (selected.length === 0) {
    process.stderr.write(`unknown peer; known: ${peers.map((p) => p.name).join(', ')}\n`);
    process.exit(2);
  }
  for (const peer of selected) process.stdout.write(JSON.stringify(runPeer(peer, corpus, runs)) + '\n');
}

if (require.main === module) main(process.argv);
module.exports = { peers };
