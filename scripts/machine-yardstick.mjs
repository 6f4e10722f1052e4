// How fast this machine ran while the tests did: a small fixed piece of CPU work (JSON, a regular
// expression, SHA-256, a sort: what the tests' own code does), timed in CPU milliseconds every few
// seconds through the run. A shared virtual machine's speed drifts by half within minutes, so the
// test command's wall time alone cannot say whether a change made the run slower; beside this
// figure it can. The samples cost about 20 ms of CPU each, one every 5 s.
import { createHash } from 'node:crypto';

const items = Array.from({ length: 200 }, (_, index) => ({ serial: `S${index}`, amountCents: index * 37, state: index % 3 ? 'held' : 'captured' }));

/** CPU milliseconds for one round of the fixed work. */
function oneRound() {
  const start = process.cpuUsage();
  let sink = 0;
  for (let pass = 0; pass < 150; pass++) {
    const text = JSON.stringify({ items });
    sink += JSON.parse(text).items.length + text.replace(/held/g, 'HELD').length;
    sink += createHash('sha256').update(text).digest()[0];
    sink += [...items].sort((a, b) => b.amountCents - a.amountCents)[0].amountCents;
  }
  const used = process.cpuUsage(start);
  // `sink` keeps the work from being optimised away.
  return (used.user + used.system) / 1000 + (sink < 0 ? 1 : 0);
}

/** Starts sampling; `stop()` gives the median round's CPU milliseconds and how many samples it is of. */
export function startYardstick({ everyMs = 5_000 } = {}) {
  // The first rounds compile the work: not counted.
  for (let warm = 0; warm < 3; warm++) oneRound();
  const samples = [oneRound()];
  const timer = setInterval(() => samples.push(oneRound()), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      samples.push(oneRound());
      const sorted = [...samples].sort((a, b) => a - b);
      return { medianMs: sorted[Math.floor(sorted.length / 2)], samples: sorted.length };
    },
  };
}
