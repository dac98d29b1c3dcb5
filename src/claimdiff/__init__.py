"""claimdiff: compare what different articles claim.

The library is usable without the command line: :func:`claimdiff.load.load_corpus`
reads a corpus, :func:`claimdiff.compare.compare` produces a :class:`claimdiff.model.Report`,
and :mod:`claimdiff.export` turns reports into CSV, JSON, Markdown or HTML.
"""

__version__ = "0.1.0"
