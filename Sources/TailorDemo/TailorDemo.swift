// The synthetic shop. See docs/DEMO.md.
