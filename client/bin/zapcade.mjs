#!/usr/bin/env node
// The `zapcade` bin: load the TypeScript CLI through tsx, resolved from this package (so it runs from any
// directory), then hand over to client/src/cli/main.ts.
import { register } from 'tsx/esm/api'

register()
const { runMain } = await import('../src/cli/main.ts')
runMain()
