"""Runnable code for a companion to chapter 3 of *Build a Large Language Model (From Scratch)*.

Every code block the site shows is a section of a module in this package, and every module needs only
PyTorch:

- ``sentence``: the six-token example, defined once;
- ``attention``: the chapter's classes, with clear errors for bad input;
- ``efficient_attention``, ``benchmark``, ``machine``: faster implementations of the same function,
  the benchmark that times them, and what machine produced a run's numbers;
- ``chapter``, ``questions``, ``experiments``, ``exercises``: the walk-throughs, each run top to bottom
  as ``python -m snippets.chapter.simple_attention`` (``python -m snippets`` lists them all).

Importing the package is cheap; the walk-throughs run only when executed.
"""
