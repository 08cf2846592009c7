"""Wikitext to prose: one page's markup in, its sentences out (no I/O, no XML).

Hand-written rules, checked against mwparserfromhell's ``strip_code`` on real pages in the
tests; they are several times faster (benchmarks/wiki.py measures both). Every scan over
nested markup is one linear pass over the text, so unbalanced markup never hangs.
"""
import html
import re

# Namespace names of files and categories in common languages (and their aliases); the
# dump's own <siteinfo> adds its localised names (see WikiCleaner(extra_drop_prefixes=)).
DROP_PREFIXES = (
    "file", "image", "media", "category",
    "文件", "檔案", "档案", "图像", "圖像", "文檔", "媒体", "媒體", "分类", "分類",
    "ファイル", "画像", "カテゴリ", "파일", "분류",
    "файл", "изображение", "картинка", "категория", "медия", "медиа",
    "datei", "bild", "kategorie", "fichier", "catégorie", "archivo", "imagen", "categoría",
    "ficheiro", "arquivo", "categoria", "immagine", "plik", "grafika", "kategoria",
    "bestand", "afbeelding", "categorie", "kategori", "berkas", "tập tin", "hình", "thể loại",
)
# Elements whose content is not prose: removed with what they hold.
_DROP_ELEMENTS = ("ref", "math", "gallery", "timeline", "imagemap", "score", "syntaxhighlight",
                  "source", "templatedata", "graph", "mapframe", "maplink", "chem", "ce",
                  "hiero", "inputbox", "categorytree", "references", "noinclude", "code",
                  "table", "pre")
_VARIANT_FALLBACK = {
    "zh-hans": ("zh-hans", "zh-cn", "zh-sg", "zh-my", "zh"),
    "zh-hant": ("zh-hant", "zh-tw", "zh-hk", "zh-mo", "zh"),
    "zh-cn": ("zh-cn", "zh-hans", "zh-sg", "zh-my", "zh"),
    "zh-tw": ("zh-tw", "zh-hant", "zh-hk", "zh-mo", "zh"),
    "zh-hk": ("zh-hk", "zh-hant", "zh-tw", "zh-mo", "zh"),
    "zh-sg": ("zh-sg", "zh-hans", "zh-cn", "zh-my", "zh"),
    "zh-my": ("zh-my", "zh-hans", "zh-sg", "zh-cn", "zh"),
    "zh-mo": ("zh-mo", "zh-hant", "zh-hk", "zh-tw", "zh"),
}
VARIANTS = tuple(_VARIANT_FALLBACK)

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DROP_TAG = re.compile(r"<(/?)(%s)\b[^<>]*?(/?)>" % "|".join(_DROP_ELEMENTS), re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_VARIANT = re.compile(r"-\{([^{}]*?)\}-")
_VARIANT_RULE = re.compile(r"\s*(zh(?:-[a-z]+)?)\s*:(.*)", re.S)
_BRACES = re.compile(r"\{\{|\}\}|^[ \t]*\{\||^[ \t]*\|\}", re.M)
_BRACKETS = re.compile(r"\[\[|\]\]")
_INNER_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}")
_TEMPLATE_PASSES = 6            # nesting depth removed by regex; deeper or odd nesting: one scan
_MAX_DEPTH = 64                 # how far down the scans look for an opener (keeps them linear)
_MAX_LINK_TOKENS = 32           # brackets a file link's scan reads before calling it unclosed
_LINK = re.compile(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]")
_EXTERNAL = re.compile(r"\[(?:https?:|ftp:)?//[^\s\[\]]*(?:[ \t]+([^\[\]\n]*))?\]")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\]|]*[^\s<>\]|.,;:!?)'\"]")
_QUOTES = re.compile(r"''+")
_MAGIC = re.compile(r"__[A-Z]+__")
_STRAY = re.compile(r"\[\[|\]\]|\{\{|\}\}|\{\||\|\}")
_SENTENCE_END = re.compile(r"(?=[.!?。！？；])([.!?][\"')\]’”»]*(?=\s)|[。！？；][」』”’）)\"]*)\s*(?=\S)")
_REDIRECT = re.compile(r"\s*#[^\s\[\]#]+(?:\s+[^\s\[\]]+)?\s*:?\s*\[\[")
_INTERLANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)*\Z")


def is_redirect(text):
    """True for a redirect page in any language (``#REDIRECT [[...]]``, ``#重定向 [[...]]``, ...).

    Examples
    --------
    >>> is_redirect("#REDIRECT [[Paris]]"), is_redirect("#重定向 [[巴黎]]"), is_redirect("# [[a]]")
    (True, True, False)
    """
    return bool(_REDIRECT.match(text))


def _nested_spans(text, pattern, opener_of):
    """Spans of balanced groups found by one scan; unclosed openers become 2-character spans.

    ``pattern`` finds openers and closers; ``opener_of`` maps a closer (stripped) to its
    opener. A closer with no matching opener is left alone; openers left open when the
    text ends are removed on their own, so an unclosed group never swallows the rest.
    Returns outermost spans, sorted.
    """
    stack = []
    spans = []
    for m in pattern.finditer(text):
        tok = m.group().strip()
        opener = opener_of.get(tok)
        if opener is None:                           # an opener
            stack.append((tok, m.start() + len(m.group()) - len(tok)))
            continue
        for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _MAX_DEPTH), -1):
            if stack[depth][0] == opener:            # the nearest opener of the same kind
                break
        else:
            continue                                 # a stray closer
        for kind, pos in stack[depth + 1:]:          # openers inside it that never closed
            spans.append((pos, pos + len(kind)))
        start = stack[depth][1]
        del stack[depth:]
        spans.append((start, m.end()))
    spans.extend((pos, pos + len(kind)) for kind, pos in stack)
    return _outermost(spans)


def _element_spans(text):
    """Spans of elements that hold no prose (``<ref>...</ref>``, ``<ref/>``, ``<math>``, ...).

    One scan over their tags; an unclosed or stray tag is removed alone, its text kept.
    """
    stack = []
    spans = []
    for m in _DROP_TAG.finditer(text):
        closing, name, empty = m.group(1), m.group(2).lower(), m.group(3)
        if not closing:
            if empty:
                spans.append(m.span())
            else:
                stack.append((name, m.start(), m.end()))
            continue
        for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _MAX_DEPTH), -1):
            if stack[depth][0] == name:
                break
        else:
            spans.append(m.span())                   # a stray closing tag
            continue
        spans.extend((s, e) for _, s, e in stack[depth + 1:])
        spans.append((stack[depth][1], m.end()))
        del stack[depth:]
    spans.extend((s, e) for _, s, e in stack)
    return _outermost(spans)


def _outermost(spans):
    """Sorted spans with those inside others dropped and overlapping ones merged."""
    spans.sort()
    outer = []
    for s, e in spans:
        if outer and s < outer[-1][1]:
            if e > outer[-1][1]:
                outer[-1] = (outer[-1][0], e)
            continue
        outer.append((s, e))
    return outer


def _cut(text, spans):
    """``text`` without ``spans`` (sorted, not overlapping)."""
    if not spans:
        return text
    out = []
    last = 0
    for s, e in spans:
        out.append(text[last:s])
        last = e
    out.append(text[last:])
    return "".join(out)


class WikiCleaner:
    """Turn one page's wikitext into prose, one sentence per item.

    Parameters
    ----------
    variant : str
        Chinese variant chosen in ``-{zh-hans:...;zh-hant:...}-`` markup: ``"zh-hans"``
        (default), ``"zh-hant"``, ``"zh-cn"``, ``"zh-tw"``, ``"zh-hk"``, ...
    extra_drop_prefixes : iterable of str
        More namespace names whose links are removed (a dump's own names for File and
        Category, and interwiki prefixes).

    Examples
    --------
    >>> c = WikiCleaner()
    >>> c.sentences("'''Paris''' is the [[capital city|capital]] of [[France]].{{citation needed}} "
    ...             "It has 2,100,000 people.<ref>{{cite web|url=x}}</ref>\\n== History ==\\n"
    ...             "[[File:Paris.jpg|thumb|A [[view]]]]-{zh-hans:巴黎;zh-hant:巴黎市}-是首都。")
    ['Paris is the capital of France.', 'It has 2,100,000 people.', '巴黎是首都。']
    """

    def __init__(self, variant="zh-hans", extra_drop_prefixes=()):
        if variant not in _VARIANT_FALLBACK:
            raise ValueError(f"unknown variant {variant!r}; known: {', '.join(VARIANTS)}")
        self.variant = variant
        self._fallback = _VARIANT_FALLBACK[variant]
        self.drop_prefixes = frozenset(p.casefold().replace("_", " ")
                                       for p in (*DROP_PREFIXES, *extra_drop_prefixes) if p)
        names = sorted(self.drop_prefixes, key=len, reverse=True)
        self._dropped_link = re.compile(r"\[\[[ \t]*:?[ \t]*(?:%s)[ \t]*:" % "|".join(
            re.escape(n).replace(r"\ ", "[ _]") for n in names), re.I)

    # -- markup that holds no prose ---------------------------------------------------------
    def _choose_variant(self, m):
        body = m.group(1)
        flags, bar, rest = body.partition("|")
        if bar and re.fullmatch(r"[A-Za-z;\s-]*", flags):
            if any(f in flags for f in ("H", "T", "-")):
                return ""                            # conversion rules and titles: no output
            if "R" in flags:
                return rest
            body = rest
        rules = {}
        for part in body.split(";"):
            rule = _VARIANT_RULE.match(part)
            if rule is None:
                if not rules:
                    return body                      # -{text}-: shown as written
                continue
            rules.setdefault(rule.group(1), rule.group(2))
        for v in self._fallback:
            if v in rules:
                return rules[v]
        return next(iter(rules.values()))

    def _link(self, m):
        target, text = m.group(1), m.group(2)
        name = target.strip()
        if name.startswith(":"):
            name = name[1:]
        prefix, colon, _ = name.partition(":")
        if colon:
            p = prefix.strip().casefold().replace("_", " ")
            if p in self.drop_prefixes:
                return ""
            if text is None and not target.lstrip().startswith(":") and _INTERLANGUAGE.match(p):
                return ""                            # [[de:Paris]]: a link to another language
        if text is None:
            return name
        return text if text.strip() else name.partition(":")[2] or name

    def _dropped_link_spans(self, text):
        """Spans of file and category links, captions and links inside them included."""
        spans = []
        end = 0
        for m in self._dropped_link.finditer(text):
            if m.start() < end:
                continue                             # inside the previous one
            depth = 0
            end = m.start() + 2                      # unclosed: drop the opener alone
            for n, tok in enumerate(_BRACKETS.finditer(text, m.start())):
                depth += 1 if tok.group() == "[[" else -1
                if depth == 0:
                    end = tok.end()
                    break
                if n == _MAX_LINK_TOKENS:
                    break
            spans.append((m.start(), end))
        return spans

    # -- the pipeline ---------------------------------------------------------------------
    def clean(self, text):
        """The page's prose, paragraphs and list items one a line, markup removed.

        Examples
        --------
        >>> WikiCleaner().clean("* one [[two|2]]\\n{{unclosed\\n''three'' &amp; four")
        'one 2\\nunclosed\\nthree & four'
        """
        text = _COMMENT.sub("", text)
        if "<" in text:
            text = _cut(text, _element_spans(text))
        text = _VARIANT.sub(self._choose_variant, text)
        for _ in range(_TEMPLATE_PASSES):            # innermost templates first, at regex speed
            text, n = _INNER_TEMPLATE.subn("", text)
            if not n:
                break
        if "{{" in text or "}}" in text or "{|" in text:
            text = _cut(text, _nested_spans(text, _BRACES, {"}}": "{{", "|}": "{|"}))
        text = _VARIANT.sub(self._choose_variant, text)
        if "[[" in text:
            text = _cut(text, self._dropped_link_spans(text))
            text = _LINK.sub(self._link, text)
            text = _LINK.sub(self._link, text)       # links left inside kept captions
        text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)
        if "://" in text:
            text = _URL.sub("", text)
        if "<" in text:
            text = _TAG.sub("", _BR.sub(" ", text))
        text = _QUOTES.sub("", text)
        if "__" in text:
            text = _MAGIC.sub("", text)
        if any(m in text for m in ("[[", "]]", "{{", "}}", "{|", "|}")):
            text = _STRAY.sub("", text)
        if "&" in text:
            text = html.unescape(text)
        lines = []
        for line in text.split("\n"):
            line = line.strip()
            if not line:
                continue
            first = line[0]
            if first in "|!" or (first == "=" and line.endswith("=")) or line.startswith("----"):
                continue                             # table rows, headings, rules
            if first in "*#:;":
                line = line.lstrip("*#:; \t")        # list items keep their text
            line = " ".join(line.split())             # every kind of space, once
            if line:
                lines.append(line)
        return "\n".join(lines)

    def sentences(self, text):
        """The sentences of a page: :meth:`clean`, then each line split after . ! ? and 。！？；.

        Examples
        --------
        >>> WikiCleaner().sentences("Pi is 3.14. Really? Yes!\\n天很蓝。我们走吧！")
        ['Pi is 3.14.', 'Really?', 'Yes!', '天很蓝。', '我们走吧！']
        """
        out = []
        for line in self.clean(text).split("\n"):
            out.extend(_SENTENCE_END.sub("\\1\n", line).split("\n"))
        return out
