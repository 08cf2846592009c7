"""A font that draws Chinese (and Japanese, Korean) words in pictures: an installed system font, or
the Noto Sans CJK SC file that the ``zh`` extra installs (it comes in the ``mplfonts`` package).

The explorer (``w2v serve``) can serve the same file to a browser: :func:`packaged_cjk_font`.
"""
import contextlib
import importlib.util
import logging
import os
import re
import warnings

logger = logging.getLogger(__name__)

#: Font families that cover Chinese, in order of preference.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC", "STHeiti",
    "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN", "Arial Unicode MS",
)

#: The package of the ``zh`` extra that ships a CJK font, and the file used from it (SIL OFL 1.1).
FONT_PACKAGE = "mplfonts"
FONT_FILE = ("fonts", "NotoSansCJKsc-Regular.otf")

#: The one line said when no font is found.
NO_CJK_FONT = ("no font with Chinese characters is installed, so Chinese labels show as boxes: "
               "python3 -m pip install '.[zh]' in the w2v clone (it brings Noto Sans CJK SC)")

# Font file names that hold one of those families (for a matplotlib font cache older than the font).
_CJK_FILE = re.compile(r"(notosans\w*cjk|notoserif\w*cjk|sourcehan|wqy|simhei|msyh|pingfang|"
                       r"hiragino|stheiti|droidsansfallback|uming|ukai)", re.IGNORECASE)
_CJK_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ffff]")
# matplotlib's warning for each character its font lacks ("Glyph 26361 (\N{CJK ...}) missing from font(s) ...")
_MISSING_GLYPH = r"Glyph \d+ .*missing from (current )?font"


def has_cjk(text):
    """True when ``text`` holds a Chinese, Japanese or Korean character.

    Examples
    --------
    >>> has_cjk("北京"), has_cjk("paris")
    (True, False)
    """
    return bool(_CJK_CHAR.search(text))


def packaged_cjk_font():
    """The path of the CJK font file the ``zh`` extra installs, or None when it is not installed.

    Found without importing the package (importing it would load matplotlib).

    Examples
    --------
    >>> path = packaged_cjk_font()
    >>> path is None or path.endswith(".otf")
    True
    """
    spec = importlib.util.find_spec(FONT_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = os.path.join(folder, *FONT_FILE)
        if os.path.isfile(path):
            return path
    return None


def find_cjk_font():
    """Name of an installed font family that renders Chinese, or None.

    Looks in matplotlib's font list, then at the font of the ``zh`` extra, then among the
    system's font files (registering the one it uses with matplotlib).

    Examples
    --------
    >>> name = find_cjk_font()
    >>> name is None or isinstance(name, str)
    True
    """
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    packaged = packaged_cjk_font()
    candidates = ([packaged] if packaged else []) + [
        p for p in sorted(font_manager.findSystemFonts()) if _CJK_FILE.search(os.path.basename(p))]
    for path in candidates:
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except (OSError, RuntimeError, ValueError) as e:
            logger.debug("cannot use font %s: %s", path, e)
    return None


@contextlib.contextmanager
def quiet_missing_glyphs():
    """Silence matplotlib's warning for each glyph its font lacks (one per character drawn: a
    flood on a map of Chinese words without a CJK font, where :data:`NO_CJK_FONT` says it once)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH)
        yield
