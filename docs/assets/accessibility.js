// Names for landmarks that Material for MkDocs leaves unnamed, so screen readers can tell them apart,
// in the page's language. document$ is Material's signal that a page's content, code tools included,
// is in place.
const LANDMARKS = {
  en: { search: "Search", codeTools: (n) => `Code block ${n} tools` },
  ja: { search: "検索", codeTools: (n) => `コードブロック ${n} のツール` },
  ko: { search: "검색", codeTools: (n) => `코드 블록 ${n} 도구` },
};

document$.subscribe(() => {
  const names = LANDMARKS[document.documentElement.lang] || LANDMARKS.en;
  document.querySelectorAll(".md-search[role=dialog]").forEach((dialog) => {
    dialog.setAttribute("aria-label", names.search);
  });
  document.querySelectorAll(".md-code__nav").forEach((nav, index) => {
    nav.setAttribute("aria-label", names.codeTools(index + 1));
  });
});
