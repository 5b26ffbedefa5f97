"""The engine that builds the site from the reader code in ``snippets``: it runs the walk-throughs
section by section, expands the pages' directives, writes each page's script and notebook, draws the
figures, exports the explorer's numbers and holds the interface words of every edition.

Readers never see or need this package; ``snippets`` never imports it.
"""
