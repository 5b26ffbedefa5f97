// Names for landmarks that Material for MkDocs leaves unnamed, so screen readers can tell them apart.
// document$ is Material's signal that a page's content, code tools included, is in place.
document$.subscribe(() => {
  document.querySelectorAll(".md-search[role=dialog]").forEach((dialog) => {
    dialog.setAttribute("aria-label", "Search");
  });
  document.querySelectorAll(".md-code__nav").forEach((nav, index) => {
    nav.setAttribute("aria-label", `Code block ${index + 1} tools`);
  });
});
