// Preloaded into every benchmark child (`node --import ./bench/rusage-hook.mjs …`): on exit, writes the
// process's own resource usage (peak RSS in KiB, user and system CPU seconds) to BENCH_RUSAGE_FILE.
// DuckDB runs in-process (its threads included), so this is the whole run's peak memory.
import fs from 'node:fs';

const file = process.env.BENCH_RUSAGE_FILE;
if (file) {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    fs.writeFileSync(
      file,
      JSON.stringify({ exitCode: code, maxRssKiB: usage.maxRSS, userSeconds: usage.userCPUTime / 1e6, systemSeconds: usage.systemCPUTime / 1e6 }),
    );
  });
}
