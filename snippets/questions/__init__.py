"""The evidence behind the questions readers ask, one walk-through per question (the questions page,
and the chapter pages where readers meet them)."""
