// Tailor's numeric models. See docs/ML.md.
