"""The one catalog of the site: every page in reading order, its title in each edition, the
walk-throughs it shows and whether the nav lists its notebook.

The nav and its translations (``engine.plugin``), the list of walk-throughs the build runs, the
notebooks and the tests all read this table. Adding a walk-through means one entry here, its module
under ``snippets/`` and its page.
"""

from dataclasses import dataclass

LANGUAGES = ("en", "ja", "ko")  # English first: it is the site's root and the default


@dataclass(frozen=True)
class Page:
    """One page of the site: its Markdown file (``NAME.md``, with ``NAME.ja.md`` and ``NAME.ko.md`` beside
    it), its nav title per edition, the walk-throughs (``snippets`` modules) whose sections it is built
    around, and whether its notebook gets a page of its own in the nav."""

    source: str
    titles: dict[str, str]
    walkthroughs: tuple[str, ...] = ()
    notebook: bool = False

    @property
    def name(self) -> str:
        """The page's name in its address and downloads: ``simple-self-attention``."""
        return self.source.removesuffix(".md")

    def notebook_title(self, lang: str) -> str:
        """The notebook's nav title: the page's, up to a colon (the dark room: why the mask exists)."""
        return self.titles[lang].replace("：", ":").split(":")[0].strip()


QUESTIONS = ("context", "softmax", "overflow", "projections", "scaling", "masking", "buffers", "dropout",
             "padding", "shapes", "head_scaling")

PAGES = (
    Page("index.md", {"en": "Home", "ja": "ホーム", "ko": "홈"}),
    Page("long-sequences.md", {"en": "3.1 Long sequences", "ja": "3.1 長い系列をモデル化する難しさ",
                               "ko": "3.1 긴 시퀀스 모델링의 문제"}),
    Page("attention-idea.md", {"en": "3.2 The idea of attention", "ja": "3.2 アテンションの考え方",
                               "ko": "3.2 어텐션의 아이디어"}),
    Page("simple-self-attention.md", {"en": "3.3 Self-attention without trainable weights",
                                      "ja": "3.3 学習可能な重みを持たないセルフアテンション",
                                      "ko": "3.3 훈련 가능한 가중치가 없는 셀프 어텐션"},
         ("chapter.simple_attention",), notebook=True),
    Page("trainable-self-attention.md", {"en": "3.4 Trainable self-attention",
                                         "ja": "3.4 学習可能な重みを持つセルフアテンション",
                                         "ko": "3.4 훈련 가능한 가중치가 있는 셀프 어텐션"},
         ("chapter.trainable_attention",), notebook=True),
    Page("causal-attention.md", {"en": "3.5 Causal attention", "ja": "3.5 因果的アテンション",
                                 "ko": "3.5 인과적 어텐션"},
         ("chapter.causal_attention",), notebook=True),
    Page("multi-head-attention.md", {"en": "3.6 Multi-head attention", "ja": "3.6 マルチヘッドアテンション",
                                     "ko": "3.6 멀티 헤드 어텐션"},
         ("chapter.multihead_attention",), notebook=True),
    Page("explorer.md", {"en": "Attention explorer", "ja": "アテンション・エクスプローラー", "ko": "어텐션 탐색기"}),
    Page("explorer-heads.md", {"en": "Attention explorer: 3.6, heads side by side",
                               "ja": "アテンション・エクスプローラー：3.6 ヘッドを並べて見る",
                               "ko": "어텐션 탐색기: 3.6 헤드를 나란히 보기"}),
    Page("dark-room.md", {"en": "The dark room: why the mask exists", "ja": "暗い部屋：マスクはなぜあるのか",
                          "ko": "어두운 방: 마스크는 왜 있을까"},
         ("experiments.dark_room",), notebook=True),
    Page("questions.md", {"en": "Questions readers ask", "ja": "読者の質問", "ko": "독자들의 질문"},
         tuple(f"questions.{name}" for name in QUESTIONS)),
    Page("exercises.md", {"en": "Exercises", "ja": "演習", "ko": "연습 문제"},
         ("exercises.solutions",), notebook=True),
    Page("run-it-yourself.md", {"en": "Run it yourself", "ja": "自分で動かす", "ko": "직접 실행하기"}),
    Page("performance.md", {"en": "Performance", "ja": "性能", "ko": "성능"},
         ("experiments.sdp_kernels", "experiments.score_memory")),
    Page("glossary.md", {"en": "Glossary", "ja": "用語集", "ko": "용어집"}),
)
NOTEBOOKS_SECTION = {"en": "Notebooks", "ja": "ノートブック", "ko": "노트북"}

# The walk-throughs in reading order: the build runs each once and every page reuses that run.
WALKTHROUGHS = tuple(name for page in PAGES for name in page.walkthroughs)
NOTEBOOK_PAGES = tuple(page for page in PAGES if page.notebook)


def nav():
    """The nav, in English (MkDocs' form): every page, then the notebooks the nav lists as pages."""
    return [
        *({page.titles["en"]: page.source} for page in PAGES),
        {NOTEBOOKS_SECTION["en"]: [{page.notebook_title("en"): f"notebooks/{page.name}.ipynb"}
                                   for page in NOTEBOOK_PAGES]},
    ]


def nav_translations(lang):
    """Each English nav title's translation in ``lang``, as mkdocs-static-i18n reads it."""
    titles = {page.titles["en"]: page.titles[lang] for page in PAGES}
    titles |= {page.notebook_title("en"): page.notebook_title(lang) for page in NOTEBOOK_PAGES}
    return titles | {NOTEBOOKS_SECTION["en"]: NOTEBOOKS_SECTION[lang]}
