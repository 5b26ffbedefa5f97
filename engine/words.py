"""The words the engine adds to pages, downloads and figures, in each edition's language ("en", "ja",
"ko"): one place for a translator to look. The pages' own prose is in docs/NAME.md, NAME.ja.md and
NAME.ko.md."""

from snippets import machine

# How dropout draws on this machine, as the end of a sentence that begins "…, where dropout", in each
# edition's language: (as for the book, unlike the book).
VERDICTS = {
    "en": (
        "draws from PyTorch's own generator, as for the book, and prints the book's patterns",
        "does not draw as PyTorch's own generator does, so these patterns differ from the book's",
    ),
    "ja": (
        "原書と同じくPyTorch自身の乱数生成器から乱数を引くので、原書と同じパターンになります",
        "PyTorch自身の乱数生成器とは違う引き方をするため、パターンは原書と異なります",
    ),
    "ko": (
        "원서와 같이 PyTorch 자체의 난수 생성기에서 난수를 뽑으므로 원서와 같은 패턴이 나옵니다",
        "PyTorch 자체의 난수 생성기와 다른 방식으로 난수를 뽑으므로 패턴이 원서와 다릅니다",
    ),
}


def dropout_verdict(lang="en"):
    """Whether dropout here draws as the book's run did, in words, in ``lang`` ("en", "ja" or "ko")."""
    as_for_the_book, unlike_the_book = VERDICTS[lang]
    return as_for_the_book if machine.dropout_matches_book() else unlike_the_book


def machine_sentence(lang="en", recorded=None):
    """One line naming what produced a run's numbers, in ``lang``: this machine's, or those of a recorded
    run (a mapping with the keys of ``snippets.machine.facts()``)."""
    f = recorded or machine.facts()
    if lang == "ja":
        return f"PyTorch {f['torch_version']}（{f['system']} {f['architecture']}、{f['cpu_vendor']}のCPU）"
    if lang == "ko":
        return f"PyTorch {f['torch_version']}({f['system']} {f['architecture']}, {f['cpu_vendor']} CPU)"
    return machine.describe(f)


# On a page: the output's title, the run-it box, the notebook page's downloads, the repository sentence.
PAGE = {
    "en": {
        "output": "Output",
        "run_it": '!!! tip "Run this page yourself"\n'
        "    All of this page's code, in page order, as a script or a notebook that needs only PyTorch"
        ' (`pip install torch`): <a href="{py}" download>{name}.py</a> or <a href="{ipynb}" download>'
        "{name}.ipynb</a>, which also opens in Jupyter or Google Colab. Pasted in order into Jupyter or"
        " IPython, the blocks print what the page shows. [Run it yourself](run-it-yourself.md) has the details.",
        "notebook_page": " You can also [read it as a notebook](notebooks/{name}.ipynb).",
        "notebook_downloads": 'Download this notebook, <a href="{name}.ipynb" download>{name}.ipynb</a>, or the same'
        ' code as a script, <a href="{py}" download>{name}.py</a>. Both need only PyTorch.',
        "repository": (
            "This build of the site does not name the repository it was built from, so there is no link to"
            " it here; the downloads on each page with code hold all of that page's code.",
            "The site's own repository, with the build and the tests, is at <{url}>.",
        ),
        "earlier": '??? note "From earlier pages"\n'
        "    What this page reuses from the pages before it: {names}. Run this block first; it is made from"
        " the same single definition that those pages show.",
    },
    "ja": {
        "output": "出力",
        "run_it": '!!! tip "このページを自分で動かす"\n'
        "    このページのコードを、ページの順に1つにまとめたスクリプトとノートブックです。必要なのはPyTorchだけです"
        '（`pip install torch`）：<a href="{py}" download>{name}.py</a>、<a href="{ipynb}" download>{name}.ipynb</a>'
        "（JupyterやGoogle Colabでも開けます）。ブロックを順にJupyterやIPythonへ貼り付けても、"
        "ページと同じ出力になります。"
        "詳しくは[自分で動かす](run-it-yourself.md)を見てください。",
        "notebook_page": "[ノートブックとして読む](notebooks/{name}.ipynb)こともできます。",
        "notebook_downloads": 'このノートブック（<a href="{name}.ipynb" download>{name}.ipynb</a>）と、同じコードの'
        'スクリプト（<a href="{py}" download>{name}.py</a>）をダウンロードできます。どちらもPyTorchだけで動きます。',
        "repository": (
            "このビルドには元になったリポジトリのアドレスが設定されていないため、ここにはリンクがありません。"
            "コードのある各ページのダウンロードに、そのページのコードがすべて入っています。",
            "ビルドとテストも含めた、このサイトのリポジトリは<{url}>にあります。",
        ),
        "earlier": '??? note "前のページから"\n'
        "    このページが前のページから使うもの：{names}。このブロックを最初に実行してください。"
        "前のページが示すのと同じ、ただ1つの定義から作られています。",
    },
    "ko": {
        "output": "출력",
        "run_it": '!!! tip "이 페이지를 직접 실행하기"\n'
        '    이 페이지의 코드를 페이지 순서대로 모두 담은 스크립트 <a href="{py}" download>{name}.py</a>와'
        ' 노트북 <a href="{ipynb}" download>{name}.ipynb</a>입니다(노트북은 Jupyter나 Google Colab에서도 열립니다).'
        " 필요한 것은 PyTorch뿐입니다(`pip install torch`). 블록을 순서대로 Jupyter나 IPython에 붙여 넣어도"
        " 페이지와 같은 출력이 나옵니다. 자세한 내용은 [직접 실행하기](run-it-yourself.md)를 보세요.",
        "notebook_page": " [노트북으로 읽을](notebooks/{name}.ipynb) 수도 있습니다.",
        "notebook_downloads": '이 노트북(<a href="{name}.ipynb" download>{name}.ipynb</a>)을 내려받거나, 같은 코드를'
        ' 담은 스크립트(<a href="{py}" download>{name}.py</a>)를 내려받을 수 있습니다. 둘 다 PyTorch만 있으면 됩니다.',
        "repository": (
            "이 빌드에는 원본 저장소의 주소가 설정되어 있지 않아 여기에는 링크가 없습니다."
            " 코드가 있는 각 페이지의 내려받기 파일에 그 페이지의 코드가 모두 들어 있습니다.",
            "빌드와 테스트를 포함한 이 길잡이의 저장소는 <{url}>에 있습니다.",
        ),
        "earlier": '??? note "앞 페이지에서"\n'
        "    이 페이지가 앞 페이지에서 가져다 쓰는 것: {names}. 이 블록을 먼저 실행하세요."
        " 이 블록의 코드는 앞 페이지에 실린 정의를 그대로 가져온 것입니다.",
    },
}

# In a page's script and notebook (engine.standalone, engine.notebooks).
DOWNLOADS = {
    "en": {
        "earlier": "From earlier pages",
        "intro": "The code of one page of Attention, executed, an independent companion to chapter 3 of Build a "
        "Large Language Model (From Scratch): every code block of the page, in page order. It needs only PyTorch "
        "(pip install torch). The outputs on the page were printed by {made_with}; on other hardware, dropout can "
        "draw other random numbers.",
        "run_script": "Run it with: python {file}",
        "run_notebook": "Run the cells from the top.",
    },
    "ja": {
        "earlier": "前のページから",
        "intro": "『アテンションを動かして読む』（『Build a Large Language Model (From Scratch)』第3章の"
        "非公式の副読本）の1ページ分のコードです。ページのコードブロックをすべて、ページの順に収めています。必要なのはPyTorchだけです"
        "（pip install torch）。ページの出力は{made_with}で実行したものです。ハードウェアが違うと、ドロップアウトの"
        "乱数が変わることがあります。",
        "run_script": "実行するには：python {file}",
        "run_notebook": "セルを上から順に実行してください。",
    },
    "ko": {
        "earlier": "앞 페이지에서",
        "intro": "『실행하며 읽는 어텐션』(『Build a Large Language Model (From Scratch)』 3장의 비공식 길잡이)에 "
        "있는 한 페이지의 코드입니다. 페이지의 모든 코드 블록을 페이지 순서대로 담았습니다. 필요한 것은 PyTorch뿐입니다"
        "(pip install torch). 페이지의 출력은 {made_with}에서 실행한 것입니다. 하드웨어가 다르면 드롭아웃이 "
        "다른 난수를 뽑을 수 있습니다.",
        "run_script": "실행하려면: python {file}",
        "run_notebook": "셀을 위에서부터 차례로 실행하세요.",
    },
}

# In the figures' labels and text descriptions (engine.figures).
FIGURES = {
    "en": {
        "query": "query",
        "key": "key",
        "heatmap": "Rows are {rows} tokens, columns are {cols} tokens. {values}.",
        "projection": "projection",
        "split": "split",
        "head": "head {k}",
        "head_split": "A grid of {tokens} token rows by {d_out} columns, coloured by head, is cut into "
        "{heads} grids of {tokens} rows by {head_dim} columns, one per head.",
        "goes": "{name} goes from {start:.2f} to {end:.2f}",
        "points": "{name}: {values}",
        "guide": "{name} at {y:.2f}",
        "chart": "{y_label} against {x_label}: {summary}.",
        "guides": " Reference lines: {lines}.",
        "separator": "; ",
        "sum": "Σ {sum:.{decimals}f}",
        "sums": "row sums: {sums}",
        "plane": "Arrows from the origin to: {arrows}.",
    },
    "ja": {
        "query": "クエリ",
        "key": "キー",
        "heatmap": "行は{rows}トークン、列は{cols}トークンです。{values}。",
        "projection": "射影",
        "split": "分割",
        "head": "ヘッド{k}",
        "head_split": "トークン{tokens}行×{d_out}列の格子（ヘッドごとに色分け）を、ヘッドごとに"
        "{tokens}行×{head_dim}列の格子{heads}個に切り分けます。",
        "goes": "{name}は{start:.2f}から{end:.2f}へ",
        "points": "{name}は{values}",
        "guide": "{name}は{y:.2f}",
        "chart": "{x_label}に対する{y_label}：{summary}。",
        "guides": "参照線：{lines}。",
        "separator": "、",
        "sum": "合計 {sum:.{decimals}f}",
        "sums": "各行の合計：{sums}",
        "plane": "原点から次の点へ引いた矢印：{arrows}。",
    },
    "ko": {
        "query": "쿼리",
        "key": "키",
        "heatmap": "행은 {rows} 토큰, 열은 {cols} 토큰입니다. {values}.",
        "projection": "투영",
        "split": "분할",
        "head": "헤드 {k}",
        "head_split": "토큰 {tokens}행 × {d_out}열의 격자(헤드별로 색을 나눔)를 "
        "{tokens}행 × {head_dim}열의 격자 {heads}개로, 헤드마다 하나씩 나눕니다.",
        "goes": "{name}: {start:.2f}에서 {end:.2f}까지",
        "points": "{name}: {values}",
        "guide": "{name}: {y:.2f}",
        "chart": "{x_label}에 따른 {y_label}. {summary}.",
        "guides": " 기준선: {lines}.",
        "separator": "; ",
        "sum": "합 {sum:.{decimals}f}",
        "sums": "행별 합: {sums}",
        "plane": "원점에서 다음 점으로 그은 화살표: {arrows}.",
    },
}

# The performance page's table headings (engine.performance).
PERFORMANCE_TABLE = {  # the column headings
    "en": ("tokens", "implementation", "median ms", "× fastest", "peak MiB"),
    "ja": ("トークン数", "実装", "中央値（ms）", "最速の何倍か", "ピーク（MiB）"),
    "ko": ("토큰 수", "구현", "중앙값(ms)", "가장 빠른 것의 몇 배", "최대 메모리(MiB)"),
}

# The glossary's headings (engine.glossary).
GLOSSARY = {
    "en": {"en": "English", "ja": "Japanese", "ko": "Korean", "means": "Meaning", "also": "Also called: {names}.",
           "page": "Explained in", "and": ", ", "gap": " "},
    "ja": {"en": "英語", "ja": "日本語", "ko": "韓国語", "means": "意味", "also": "別の呼び方：{names}。",
           "page": "説明しているページ", "and": "、", "gap": ""},
    "ko": {"en": "영어", "ja": "일본어", "ko": "한국어", "means": "뜻", "also": "다른 이름: {names}.",
           "page": "설명하는 페이지", "and": ", ", "gap": " "},
}

NOT_FOUND = {  # the 404 page's heading and text; {home} is the edition's home
    "en": ("Page not found", 'There is no page at this address. Every page of the site is listed on the'
           ' <a href="{home}">home page</a>, and the search above finds the words on them.'),
    "ja": ("ページが見つかりません", 'このアドレスのページはありません。サイトのすべてのページは'
           '<a href="{home}">ホーム</a>から開けます。上の検索で、ページの言葉から探すこともできます。'),
    "ko": ("페이지를 찾을 수 없습니다", '이 주소에는 페이지가 없습니다. 이 길잡이의 모든 페이지는'
           ' <a href="{home}">홈</a>에서 열 수 있고, 위쪽 검색 창에서 낱말로 페이지를 찾을 수도 있습니다.'),
}
