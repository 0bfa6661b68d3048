"""Document formats and encodings: bytes in, plain text out, or a one-line reason why not.

Formats are told by content first (``%PDF-``, a ZIP holding ``word/document.xml``, an HTML root) and
by extension second. Plain text and Markdown keep their character offsets: Markdown markup is
blanked with spaces of the same length, never removed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from html.parser import HTMLParser
from xml.etree import ElementTree

__all__ = ["BINARY", "FORMATS", "SUFFIX_FORMAT", "DecodeError", "binary_offset", "decode_text", "detect_format", "to_text"]

FORMATS = ("text", "markdown", "html", "docx", "pdf")
SUFFIX_FORMAT = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
BINARY = "binary"
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
_CHINESE_CODECS = ("gb18030", "big5hkscs")


class DecodeError(ValueError):
    """A problem with the bytes of a document; ``offset`` is the byte where it was found, if known."""

    def __init__(self, problem: str, offset: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.offset = offset


def detect_format(data: bytes, suffix: str = "") -> str:
    """``pdf``, ``docx``, ``html``, ``markdown``, ``text`` or ``binary``, from the content and then the
    extension.

    >>> detect_format(b"%PDF-1.7 ...", ".txt"), detect_format(b"<!DOCTYPE html><p>x", ""), detect_format(b"# x", ".md")
    ('pdf', 'html', 'markdown')
    """
    head = data[:4096]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    has_bom = any(head.startswith(bom) for bom, _ in _BOMS)
    if not has_bom and _looks_utf16(head) is None and binary_offset(head) is not None:
        return BINARY
    if _HTML_START.match(head.removeprefix(b"\xef\xbb\xbf")):
        return "html"
    return SUFFIX_FORMAT.get(suffix.lower(), "text")


def _looks_utf16(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark: many NUL bytes, nearly all on one side of each pair."""
    if len(head) < 8:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


_CONTROL = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")


def binary_offset(data: bytes) -> int | None:
    """Offset of the first NUL byte, or of the first control byte when they are over a tenth of the
    bytes (text may hold a few; binary files hold many)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        return nul
    controls = _CONTROL.findall(data)
    if data and len(controls) > 0.1 * len(data):
        match = _CONTROL.search(data)
        return match.start() if match else None
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read in: a byte-order mark, UTF-8, UTF-16 without a mark, or
    GB18030 / Big5-HKSCS as charset-normalizer judges them. Raises ``DecodeError`` (with the byte
    offset) when no encoding reads the bytes confidently.

    >>> decode_text("深圳".encode("gb18030") * 20)
    ('深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳深圳', 'gb18030')
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec, len(bom) if codec != "utf-8-sig" else 0), codec.replace("-sig", "") + " (BOM)"
    utf16 = _looks_utf16(data[:4096])
    if utf16:
        return _strict(data, utf16, 0), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    where = utf8_error.start
    if utf8_error.reason == "unexpected end of data" and where >= len(data) - 3:
        raise DecodeError("is truncated (incomplete UTF-8 character at the end)", where) from None
    if any(b >= 0x80 for b in data[:where]):
        raise DecodeError("is not valid UTF-8", where) from None
    binary = binary_offset(data)
    if binary is not None:
        raise DecodeError("looks binary (control bytes)", binary)
    guess = _chinese_codec(data)
    if guess is None:
        raise DecodeError("cannot be decoded confidently (not UTF-8, GB18030 or Big5)", where)
    return guess


def _strict(data: bytes, codec: str, skip: int) -> str:
    try:
        return data[skip:].decode(codec)
    except UnicodeDecodeError as err:
        raise DecodeError(f"is not valid {codec.upper().replace('-SIG', '')}", skip + err.start) from None


def _chinese_codec(data: bytes) -> tuple[str, str] | None:
    readable: dict[str, str] = {}
    for codec in _CHINESE_CODECS:
        try:
            readable[codec] = data.decode(codec)
        except UnicodeDecodeError:
            continue
    if not readable:
        return None
    if len(readable) == 1:
        codec, text = next(iter(readable.items()))
        return (text, codec) if _plausible(text) else None
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(readable)).best()
    if best is not None and best.encoding in readable and best.chaos < 0.3:
        return readable[best.encoding], best.encoding
    ranked = sorted(readable.items(), key=lambda item: -_common_share(item[1]))
    codec, text = ranked[0]
    return (text, codec) if _plausible(text) else None


def _common_share(text: str) -> float:
    """Share of characters that are ASCII, CJK punctuation or basic CJK ideographs."""
    if not text:
        return 0.0
    common = sum(
        1 for ch in text if ch < "\x80" or "\u3000" <= ch <= "\u303f" or "\u4e00" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
    )
    return common / len(text)


def _plausible(text: str) -> bool:
    return _common_share(text) >= 0.9


def to_text(data: bytes, fmt: str, *, max_bytes: int) -> tuple[str, str]:
    """The text of a document in format ``fmt`` and the encoding it was read in."""
    if fmt == "pdf":
        return _pdf_text(data), "pdf"
    if fmt == "docx":
        return _docx_text(data, max_bytes), "utf-8"
    text, encoding = decode_text(data)
    if fmt == "html":
        return html_text(text), encoding
    if fmt == "markdown":
        return markdown_text(text), encoding
    return text, encoding


def _pdf_text(data: bytes) -> str:
    try:
        from pdfminer.high_level import extract_text
        from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    except ImportError as err:  # pragma: no cover - a core dependency
        raise DecodeError("is a PDF, and reading PDFs needs pdfminer.six (pip install pdfminer.six)") from err
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # damaged fonts and xrefs are not news to the user
    try:
        text = extract_text(io.BytesIO(data))
    except (PDFEncryptionError, PDFPasswordIncorrect):
        raise DecodeError("is an encrypted PDF") from None
    except Exception as err:  # pdfminer raises many unrelated types for damaged files
        raise DecodeError(f"is not a readable PDF ({type(err).__name__}: {' '.join(str(err).split())[:80]})") from None
    text = text.replace("\x0c", "\n")
    if not text.strip():
        raise DecodeError("is a PDF without a text layer (scanned pages need OCR first)")
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_text(data: bytes, max_bytes: int) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        info = archive.getinfo("word/document.xml")
    except KeyError:
        raise DecodeError("is a ZIP archive but not a DOCX document (no word/document.xml)") from None
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as err:
        raise DecodeError(f"is not a readable DOCX ({err})") from None
    if info.file_size > max_bytes:
        raise DecodeError(f"expands to {info.file_size} bytes of XML, over the limit of {max_bytes}")
    try:
        xml = archive.read(info)
        paragraphs: list[str] = []
        for _, element in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
            if element.tag == f"{_W}p":
                parts = []
                for node in element.iter():
                    if node.tag == f"{_W}t":
                        parts.append(node.text or "")
                    elif node.tag == f"{_W}tab":
                        parts.append("\t")
                    elif node.tag in (f"{_W}br", f"{_W}cr"):
                        parts.append("\n")
                paragraphs.append("".join(parts))
                element.clear()
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError, OSError) as err:
        raise DecodeError(f"is not a readable DOCX ({err})") from None
    except ElementTree.ParseError as err:
        raise DecodeError(f"has malformed XML in word/document.xml (line {err.position[0]}, column {err.position[1]})") from None
    return "\n".join(paragraphs)


_SKIPPED = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "iframe",
            "button", "select", "head", "menu", "canvas", "object"}  # fmt: skip
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table",
           "section", "article", "main", "blockquote", "pre", "dd", "dt", "dl", "figcaption", "hr", "title"}  # fmt: skip
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _ArticleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.skipping = 0
        self.all: list[str] = []
        self.article: list[str] = []
        self.in_article = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag in _BLOCKS:
                self._text("\n")
            return
        self.open.append(tag)
        if tag in _SKIPPED:
            self.skipping += 1
        if tag in ("article", "main"):
            self.in_article += 1
        if tag in _BLOCKS:
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            if top in _SKIPPED:
                self.skipping -= 1
            if top in ("article", "main"):
                self.in_article -= 1
            if top in _BLOCKS:
                self._text("\n")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        self._text(data)

    def _text(self, data: str) -> None:
        if self.skipping:
            return
        self.all.append(data)
        if self.in_article:
            self.article.append(data)


def html_text(text: str) -> str:
    """The article text of an HTML page: without scripts, styles, navigation, headers, footers and
    forms; only ``<article>``/``<main>`` when the page has one; one line per block.

    >>> html_text("<html><nav>首页</nav><article><h1>标题</h1><p>深圳<b>湾</b>实验室</p><script>x()</script></article></html>")
    '标题\\n深圳湾实验室'
    """
    parser = _ArticleText()
    parser.feed(text)
    parser.close()
    chosen = parser.article if "".join(parser.article).strip() else parser.all
    lines = (" ".join(line.split()) for line in "".join(chosen).split("\n"))
    return "\n".join(line for line in lines if line)


_MD_RULES = [
    re.compile(r"^[ \t]*(```|~~~).*$", re.M),  # code fences
    re.compile(r"^[ \t]{0,3}#{1,6}(?=\s)", re.M),  # heading marks
    re.compile(r"^[ \t]{0,3}>[ \t]?", re.M),  # block quotes
    re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])(?=[ \t])", re.M),  # list markers
    re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", re.M),  # table rules
    re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]*>", re.S),  # inline HTML
    re.compile(r"\*\*|__|~~|`|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"),  # emphasis and code marks
    re.compile(r"\|"),  # table cell borders
]
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\(([^()\n]*)\)")


def markdown_text(text: str) -> str:
    """Markdown with its markup blanked by spaces of the same length, so offsets stay those of the file.

    >>> markdown_text("## 概况\\n**深圳湾实验室**见[官网](https://x.cn)。")
    '   概况\\n  深圳湾实验室  见 官网               。'
    """

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        return " " * (len(match.group(0)) - len(label) - len(url) - 3) + label + " " * (len(url) + 3)

    text = _LINK.sub(link, text)
    for rule in _MD_RULES:
        text = rule.sub(blank, text)
    return text
