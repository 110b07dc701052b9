"""The harness that drives a real dashboard: used by the browser tests (tests/browser/conftest.py),
the access tests, the benchmarks (bench/) and `make screenshots` (docs/screenshots.py). One
concept per module:

- `server`: `streamlit()`, a real `streamlit run app.py` on a free loopback port, its output in a
  log file, started as deploy/cluster.py starts its replicas (`free_port()`, `wait_healthy()`);
- `chromium`: Debian's Chromium and the flags every headless launch uses;
- `page_state`: the JavaScript that reads the page's state (IDLE, DONE, MAPS_DRAWN, COUNT_RUNS);
- `app`: `StreamlitApp`, the tests' one way to wait for a script run (the server's
  `script_finished` messages, then the page's state), never a sleep;
- `runs`: the benchmarks' way to time a run (`Socket`, `runs`, `wait_until_done`): polled, so
  that the time ends when the page has painted;
- `st_client`: a Streamlit session over the websocket without a browser (bench/load.py and the
  cluster tests).

Nothing here imports bench/; bench/ imports it."""
