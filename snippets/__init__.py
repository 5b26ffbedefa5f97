"""Runnable code for a companion to chapter 3 of *Build a Large Language Model (From Scratch)*.

Every code block the site shows is a section of a module in this package:

- ``sentence``: the six-token example, defined once;
- ``attention``: the reusable attention classes;
- ``simple_attention``, ``trainable_attention``, ``causal_attention``, ``multihead_attention``:
  top-to-bottom walk-throughs, one per page, runnable as ``python -m snippets.NAME``;
- ``runner``: runs a walk-through section by section, the way the site build does.

Importing the package is cheap; the walk-throughs run only when executed.
"""
