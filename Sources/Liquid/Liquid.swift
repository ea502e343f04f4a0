// The Liquid template engine. See docs/LIQUID.md.
