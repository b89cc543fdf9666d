/**
 * What browser code may use from pki: pure functions, no Node built-ins and no node-forge.
 * (index.ts is the server surface; importing it from a client component would bundle
 * node-forge, whose vm polyfill calls eval, which the CSP forbids.)
 */
export { commonNameOf, nameDetails, readableName } from "@/lib/engine/pki/readable-name";
