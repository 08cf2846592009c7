"""Columns that line up in a terminal: text measured by display width (a Chinese character takes
two columns, a combining mark none), not by its number of characters."""
import unicodedata


def display_width(text):
    """Terminal columns ``text`` takes.

    Examples
    --------
    >>> display_width("king"), display_width("曹操"), display_width("café"), display_width("cafe\\u0301")
    (4, 4, 4, 4)
    """
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def pad(text, width, align="<"):
    """``text`` padded with spaces to ``width`` display columns (``"<"`` left, ``">"`` right aligned).

    Examples
    --------
    >>> [pad(w, 6) + "|" for w in ("king", "曹操")]
    ['king  |', '曹操  |']
    """
    fill = " " * max(0, width - display_width(text))
    return text + fill if align == "<" else fill + text


def clip(text, width):
    """``text`` cut to at most ``width`` display columns."""
    out, used = [], 0
    for c in text:
        w = display_width(c)
        if used + w > width:
            break
        out.append(c)
        used += w
    return "".join(out)
