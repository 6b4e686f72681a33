"""Tools for policy authors: rule test cases, lint, and the generated rule reference."""
