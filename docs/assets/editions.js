// The language switcher keeps the reader on the same section: both editions give each section the
// same id, so the other edition's page is opened at the current fragment.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".md-select__link[hreflang]");
  if (link && location.hash) link.hash = location.hash;
});
