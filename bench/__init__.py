"""The benchmarks: scripts, not timed tests. Each writes its own section of bench/RESULTS.md
(bench/results.py); how they measure is in docs/performance.md.

Scripts (each with --help):
- run.py: `make bench`, the speed benchmark at each size; its section is written by report.py
  (issue 29's targets, each figure met or missed, and why), its measures are measure_import.py,
  measure_pages.py, measure_naive.py, measure_outlook.py and measure_browser.py;
- load.py: many sessions on one server or through nginx to replicas (load_sessions.py: the
  sessions, and the rebuild, publish or kill half-way);
- deck.py: the exports (briefing deck, chart PNGs);
- generate.py: the synthetic ACLED or GTD exports the others import.

Shared: process.py (a fresh process, peak RSS, CPU seconds), stats.py (percentiles),
results.py (the results file, its sections, the one Markdown table writer). The server, the
browser and the websocket client they drive are the tests' harness, tests/support/."""
