#!/usr/bin/env node
// rpscope adapter (protocol 1, docs/protocol.md) for @simplewebauthn/server.
//
//   rpscope conformance --target 'adapter:node adapters/simplewebauthn/adapter.mjs'
//
// Reads one JSON command per line on stdin, writes one JSON answer per line on stdout.
// Everything else (diagnostics) goes to stderr.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';

const PROTOCOL = 1;
const LIBRARY = '@simplewebauthn/server';

// stdout carries answers only: anything that would log there goes to stderr instead.
for (const level of ['log', 'info', 'debug']) {
  console[level] = (...args) => console.error(...args);
}

function log(...args) {
  console.error('simplewebauthn-adapter:', ...args);
}

/** The version of the installed library, from its own package.json. */
function installedVersion() {
  let dir = dirname(fileURLToPath(import.meta.resolve(LIBRARY)));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (pkg.name === LIBRARY) return pkg.version;
    } catch {
      // no package.json here (or not readable): keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package.json of ${LIBRARY}`);
    dir = parent;
  }
}

const VERSION = installedVersion();

const HELLO = {
  protocol: PROTOCOL,
  implementation: {
    name: LIBRARY,
    version: VERSION,
    language: 'javascript',
    homepage: 'https://github.com/MasterKale/SimpleWebAuthn',
  },
  capabilities: {
    sides: ['server'],
    ceremonies: ['registration', 'authentication'],
    // expectedOrigin and expectedRPID take lists and compare strings exactly, so several
    // origins, several RP IDs and app origins are expressible. verifyAuthenticationResponse
    // takes expectedTopOrigin (a list); verifyRegistrationResponse has no such option and
    // such cases are skipped per ceremony below. No wildcard or any-port option exists.
    policy_features: [
      'multiple-rp-ids',
      'multiple-origins',
      'app-origins',
      'cross-origin',
      'top-origins',
    ],
  },
};

/** The authority of an http(s) pattern, or null for an app origin (as rpscope classifies). */
function webAuthority(pattern) {
  const lower = pattern.slice(0, 8).toLowerCase();
  let rest;
  if (lower.startsWith('https://')) rest = pattern.slice(8);
  else if (lower.startsWith('http://')) rest = pattern.slice(7);
  else return null;
  const end = rest.search(/[/?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

/** Why the library cannot express this list of patterns exactly, or null. */
function inexpressible(patterns, field) {
  for (const pattern of patterns) {
    const authority = webAuthority(pattern);
    if (authority === null) continue;
    if (authority.startsWith('*.')) {
      return `${field} entry \`${pattern}\` is a subdomain wildcard; ${LIBRARY} compares origins by exact string equality and has no subdomain option`;
    }
    if (authority.endsWith(':*')) {
      return `${field} entry \`${pattern}\` admits any port; ${LIBRARY} compares origins by exact string equality and has no any-port option`;
    }
  }
  return null;
}

/** One string for one entry (as an RP usually writes it), the list otherwise. */
function oneOrList(list) {
  return list.length === 1 ? list[0] : [...list];
}

function fromBase64url(text) {
  if (typeof text !== 'string') throw new TypeError(`expected a base64url string, got ${typeof text}`);
  return new Uint8Array(Buffer.from(text, 'base64url'));
}

/**
 * Maps the case onto the library's options. Returns { skip } or { fn, name, options }.
 * Throws only on an adapter (mapping) problem.
 */
function mapCase(c) {
  const { policy } = c;
  if (!policy || !Array.isArray(policy.rp_ids) || !Array.isArray(policy.origins)) {
    throw new TypeError('the case has no policy with rp_ids and origins lists');
  }
  const topOrigins = Array.isArray(policy.top_origins) ? policy.top_origins : [];
  const allowCrossOrigin = policy.allow_cross_origin === true;

  const why =
    inexpressible(policy.origins, 'origins') ?? inexpressible(topOrigins, 'top_origins');
  if (why) return { skip: why };

  const common = {
    response: c.response,
    expectedChallenge: c.challenge,
    expectedOrigin: oneOrList(policy.origins),
    expectedRPID: oneOrList(policy.rp_ids),
    requireUserVerification: c.user_verification_required === true,
  };

  if (c.ceremony === 'registration') {
    if (allowCrossOrigin && topOrigins.length > 0) {
      return {
        skip:
          `verifyRegistrationResponse() in ${LIBRARY} ${VERSION} has no cross-origin option: ` +
          'it never reads clientDataJSON.crossOrigin or topOrigin, so a policy that allows ' +
          'embedding (only by the listed top_origins) cannot be written',
      };
    }
    // allow_cross_origin = false is the library's only (default) configuration; top_origins
    // without allow_cross_origin allow no embedding, so they configure nothing. Nor does
    // allow_cross_origin = true with no top origin: a crossOrigin ceremony would need a
    // topOrigin from an empty list, so that policy admits exactly the same ceremonies.
    return { fn: verifyRegistrationResponse, name: 'verifyRegistrationResponse', options: common };
  }

  if (c.ceremony === 'authentication') {
    const cred = c.credential;
    if (!cred || typeof cred.id !== 'string') {
      throw new TypeError('an authentication case without a credential');
    }
    const options = {
      ...common,
      credential: {
        id: cred.id,
        publicKey: fromBase64url(cred.public_key),
        counter: Number(cred.sign_count ?? 0),
      },
    };
    // expectedTopOrigin is the library's only way to allow embedding: set, it admits a
    // cross-origin response whose topOrigin is listed; unset, it rejects any topOrigin.
    // With allow_cross_origin = false the RP allows no embedding and so leaves it unset.
    if (allowCrossOrigin) {
      options.expectedTopOrigin = oneOrList(topOrigins);
    }
    return { fn: verifyAuthenticationResponse, name: 'verifyAuthenticationResponse', options };
  }

  throw new TypeError(`unknown ceremony ${JSON.stringify(c.ceremony)}`);
}

async function answerRun(seq, c) {
  if (!c || c.side !== 'server') {
    return { seq, result: 'skipped', message: 'this adapter has no client side' };
  }
  let mapped;
  try {
    mapped = mapCase(c);
  } catch (e) {
    log(`seq ${seq} (${c.id}): mapping failed:`, e);
    return { seq, result: 'error', message: `adapter bug: ${e?.name ?? 'Error'}: ${e?.message ?? e}` };
  }
  if (mapped.skip) return { seq, result: 'skipped', message: mapped.skip };

  let outcome;
  try {
    outcome = await mapped.fn(mapped.options);
  } catch (e) {
    // The library refused the response: its own message, verbatim.
    if (e?.name && e.name !== 'Error') log(`seq ${seq} (${c.id}): ${e.name}`);
    return { seq, result: 'reject', message: String(e?.message ?? e) };
  }
  if (outcome?.verified === true) return { seq, result: 'accept' };
  if (outcome?.verified === false) {
    return { seq, result: 'reject', message: `${mapped.name}() returned verified: false` };
  }
  return {
    seq,
    result: 'error',
    message: `adapter bug: ${mapped.name}() returned ${JSON.stringify(outcome)}`,
  };
}

function write(obj) {
  return new Promise((resolve, reject) => {
    process.stdout.write(`${JSON.stringify(obj)}\n`, (err) => (err ? reject(err) : resolve()));
  });
}

async function main() {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let command;
    try {
      command = JSON.parse(line);
    } catch (e) {
      log(`not a command (${e.message}): ${line.slice(0, 200)}`);
      process.exit(2);
    }
    switch (command?.cmd) {
      case 'start':
        if (command.protocol !== PROTOCOL) {
          log(`the runner speaks protocol ${command.protocol}; this adapter speaks ${PROTOCOL}`);
        }
        await write(HELLO);
        break;
      case 'run':
        await write(await answerRun(command.seq, command.case));
        break;
      case 'stop':
        process.exit(0);
        break;
      default:
        log(`unknown command ${JSON.stringify(command?.cmd)}, ignored`);
        if (command && 'seq' in command) {
          await write({ seq: command.seq, result: 'error', message: `unknown command ${command.cmd}` });
        }
    }
  }
  // EOF: the runner went away without `stop`.
  process.exit(0);
}

main().catch((e) => {
  log('fatal:', e);
  process.exit(2);
});
