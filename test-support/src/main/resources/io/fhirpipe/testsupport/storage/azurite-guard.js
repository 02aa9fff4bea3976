'use strict';
// Loaded with `node --require` (NODE_OPTIONS) by io.fhirpipe.testsupport.storage.Azurite into an
// Azurite that keeps its data in a folder. Azurite keeps its blob metadata in LokiJS, saved every 5 s
// and on a clean shutdown; this makes that one shutdown always run to its end:
//  - Azurite's main.js handles only the first SIGTERM and the first SIGINT (process.once). A second
//    SIGTERM killed node mid-save (the default action is back once no listener is left), and a SIGINT
//    after a SIGTERM ran a second close, which rejected and crashed node mid-save. Ctrl-C or a
//    killpg of the stack plus the stack's own stop of Azurite, milliseconds apart, did just that.
//    These listeners stay: every signal after the first is ignored while the save runs.
//  - stdin is a pipe from the JVM that started Azurite: its end means that JVM is gone (even killed
//    with SIGKILL), and Azurite shuts down cleanly instead of running on as an orphan.
//  - a closed stdout/stderr (the reader went away) must not crash the shutdown with EPIPE.
let stopping = false;
const guards = {};

function onSignal(signal, other, code) {
  return function fhirpipeAzuriteGuard() {
    if (stopping) {
      return; // the first signal's shutdown is saving: let it finish
    }
    stopping = true;
    if (process.listeners(signal).every((l) => l === guards[signal])) {
      // Azurite is not started yet (main.js registers its handlers when listening): nothing to save.
      process.exit(code);
    }
    // Azurite's handler for this signal runs right after this one (registered later); its handler
    // for the other signal must never run a second close.
    for (const l of process.listeners(other)) {
      if (l !== guards[other]) {
        process.removeListener(other, l);
      }
    }
  };
}

guards.SIGTERM = onSignal('SIGTERM', 'SIGINT', 143);
guards.SIGINT = onSignal('SIGINT', 'SIGTERM', 130);
process.on('SIGTERM', guards.SIGTERM);
process.on('SIGINT', guards.SIGINT);

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => {});
}

function parentGone() {
  process.kill(process.pid, 'SIGTERM');
}

const stdin = require('fs').fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
  process.stdin.on('end', parentGone);
  process.stdin.on('error', parentGone);
  process.stdin.resume();
  if (typeof process.stdin.unref === 'function') {
    process.stdin.unref(); // watching stdin must not keep node running after the shutdown
  }
}
