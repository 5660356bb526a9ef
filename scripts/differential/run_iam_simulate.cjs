// Decides conformance-format cases with @cloud-copilot/iam-simulate, one JSON line per case:
// {"id", "decision": "Allow"|"ImplicitDeny"|"ExplicitDeny"|"Error", "error"?, "ignoredContextKeys"?}.
//
// The package is not part of this repository: run.sh installs it into a scratch folder and
// passes that folder as IAMSIM_DIR. This script only calls its public API (runSimulation).
//
//   IAMSIM_DIR=/tmp/x node run_iam_simulate.cjs cases.jsonl > decisions.jsonl

'use strict'

const fs = require('fs')
const path = require('path')
const readline = require('readline')
const { createRequire } = require('module')

const dir = process.env.IAMSIM_DIR
if (!dir) {
  console.error('error: set IAMSIM_DIR to the folder where @cloud-copilot/iam-simulate is installed')
  process.exit(2)
}
const load = createRequire(path.join(path.resolve(dir), 'package.json'))
const sim = load('@cloud-copilot/iam-simulate')

const DECISIONS = {
  Allowed: 'Allow',
  ImplicitlyDenied: 'ImplicitDeny',
  ExplicitlyDenied: 'ExplicitDeny'
}

// A policy entry of the case format: a bare document or {"name", "policy"}.
function named(entry, fallback) {
  if (entry && typeof entry === 'object' && 'policy' in entry && !('Statement' in entry)) {
    return { name: String(entry.name || fallback), policy: entry.policy }
  }
  return { name: fallback, policy: entry }
}

function orgLevels(levels, prefix) {
  return (levels || []).map((level, i) => ({
    orgIdentifier: `${prefix}-level-${i}`,
    policies: level.map((p, j) => named(p, `${prefix}-${i}-${j}`))
  }))
}

// Maps one case onto the simulator's input, as closely as its API allows.
function simulation(c) {
  const r = c.request
  const s = {
    request: {
      principal: r.principal === 'anonymous' ? sim.anonymousPrincipal : r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resourceAccount || '' },
      contextVariables: r.context || {}
    },
    identityPolicies: (c.identityPolicies || []).map((p, i) => named(p, `identity-${i}`)),
    serviceControlPolicies: orgLevels(c.scps, 'scp'),
    resourceControlPolicies: orgLevels(c.rcps, 'rcp')
  }
  if (c.resourcePolicy) s.resourcePolicy = c.resourcePolicy
  // An empty list would read as "a boundary that allows nothing": leave it out instead.
  if (c.permissionBoundaries && c.permissionBoundaries.length > 0) {
    s.permissionBoundaryPolicies = c.permissionBoundaries.map((p, i) => named(p, `boundary-${i}`))
  }
  if (c.sessionPolicy) s.sessionPolicy = c.sessionPolicy
  if (c.vpcEndpointPolicies && c.vpcEndpointPolicies.length > 0) {
    s.vpcEndpointPolicies = c.vpcEndpointPolicies.map((p, i) => named(p, `vpce-${i}`))
  }
  return s
}

function errorText(errors) {
  const parts = [errors.message]
  for (const [k, v] of Object.entries(errors)) {
    if (k === 'message') continue
    parts.push(`${k}: ${JSON.stringify(v).slice(0, 300)}`)
  }
  return parts.join('; ')
}

async function decide(c) {
  let res
  try {
    res = await sim.runSimulation(simulation(c), { simulationMode: 'Strict' })
  } catch (e) {
    return { id: c.id, decision: 'Error', error: `exception: ${e && e.message}` }
  }
  if (res.resultType === 'error') {
    return { id: c.id, decision: 'Error', error: errorText(res.errors) }
  }
  const out = { id: c.id, decision: DECISIONS[res.overallResult] || `Other:${res.overallResult}` }
  const ignored = res.resultType === 'single' ? res.result.ignoredContextKeys : undefined
  if (ignored && ignored.length > 0) out.ignoredContextKeys = ignored
  return out
}

async function main() {
  const file = process.argv[2]
  if (!file) {
    console.error('usage: node run_iam_simulate.cjs CASES.jsonl')
    process.exit(2)
  }
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })
  let lineno = 0
  for await (const line of rl) {
    lineno++
    if (!line.trim()) continue
    let c
    try {
      c = JSON.parse(line)
    } catch (e) {
      console.error(`error: ${file}:${lineno}: not JSON: ${e.message}`)
      process.exitCode = 2
      continue
    }
    process.stdout.write(JSON.stringify(await decide(c)) + '\n')
  }
}

main()
