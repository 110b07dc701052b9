"""The JavaScript that reads a Streamlit page's state in the browser (`page.evaluate`,
`page.wait_for_function`, `page.add_init_script`)."""

# Streamlit has run the script and drawn it: connected, not running, nothing greyed out as stale
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}"""

# the script has run, nothing is greyed out as stale, and a frame has been painted since
DONE = """() => new Promise(resolve => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stSkeleton"]');
  if (!idle) return resolve(false);
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
})"""

# every figure of the page drawn, and every tile map done loading and painting
MAPS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(chart => {
  const gd = chart.querySelector('.js-plotly-plot');
  const map = gd && gd._fullLayout && gd._fullLayout.map;
  return !!(gd && gd._fullLayout) && (!map || (map._subplot.map.loaded() && !map._subplot.map.isMoving()));
})"""

# counts the script runs the page has seen finish (add it with page.add_init_script)
COUNT_RUNS = """window.__runs = 0;
new MutationObserver(records => { for (const r of records)
  if (r.target.getAttribute('data-test-script-state') === 'notRunning' && r.oldValue === 'running')
    window.__runs += 1; }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
  attributeFilter: ['data-test-script-state']});"""
