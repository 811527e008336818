"""How the browser tests and benchmarks/bench_render.py start Chromium."""

#: Headless, and quiet: no first-run pages, no background requests of the browser's own.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
