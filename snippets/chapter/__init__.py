"""The chapter's sections 3.3 to 3.6, one top-to-bottom walk-through per page of the site."""
