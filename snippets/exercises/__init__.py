"""The chapter's exercises, solved and checked."""
