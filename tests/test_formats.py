"""Formats and encodings: each is read to the same text, told by content as well as extension."""

import io
import zipfile

import pytest

from extract.documents import read_document
from extract.formats import decode_text, detect_format, html_text, markdown_text
from kg.errors import DocumentError

TEXT = "中国散裂中子源位于东莞，服务香港和澳门的用户。\n香港科技大学与深圳湾实验室合作。"
TRAD = "中國散裂中子源位於東莞，服務香港和澳門的用戶。"


def make_pdf(lines):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    for i, line in enumerate(lines):
        c.drawString(72, 750 - 16 * i, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def make_docx(paragraphs):
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


HTML = (
    "<!DOCTYPE html><html><head><title>新闻</title><style>p{color:red}</style>"
    "<script>var nav='首页';</script></head><body><nav><a href='/'>首页</a> | <a>关于</a></nav>"
    "<header>网站标题</header><article><h1>大科学装置</h1><p>中国散裂中子源位于<b>东莞</b>，"
    "服务香港和澳门的用户。</p><p>香港科技大学&amp;深圳湾实验室合作。</p></article>"
    "<footer>版权所有</footer><script>track()</script></body></html>"
)


def test_pdf_text_layer_with_broken_lines(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_bytes(make_pdf(["中国散裂中子源位于东莞，服务香港", "和澳门的用户。"]))
    doc = read_document(p)
    assert doc.format == "pdf" and doc.encoding == "pdf"
    assert "中国散裂中子源位于东莞，服务香港\n和澳门的用户。" in doc.text


def test_pdf_named_txt_is_told_by_content(tmp_path):
    p = tmp_path / "mislabelled.txt"
    p.write_bytes(make_pdf(["深圳湾实验室"]))
    assert read_document(p).format == "pdf"


def test_docx_paragraphs(tmp_path):
    p = tmp_path / "memo.docx"
    p.write_bytes(make_docx(TEXT.split("\n")))
    doc = read_document(p)
    assert (doc.format, doc.text) == ("docx", TEXT)


def test_html_article_without_navigation_scripts_and_footer(tmp_path):
    p = tmp_path / "news"  # no extension: told by content
    p.write_text(HTML, encoding="utf-8")
    doc = read_document(p)
    assert doc.format == "html"
    assert doc.text == "大科学装置\n中国散裂中子源位于东莞，服务香港和澳门的用户。\n香港科技大学&深圳湾实验室合作。"
    for noise in ("首页", "网站标题", "版权所有", "track", "color"):
        assert noise not in doc.text


def test_html_without_article_keeps_body_text():
    assert html_text("<html><body><div>深圳</div><div>广州</div></body></html>") == "深圳\n广州"


def test_markdown_markup_is_blanked_keeping_offsets():
    source = "# 标题\n\n- **深圳湾实验室**与[香港大学](https://hku.hk)合作\n| 城市 | 装置 |\n|---|---|\n| 东莞 | 散裂中子源 |"
    text = markdown_text(source)
    assert len(text) == len(source)
    start = source.index("深圳湾实验室")
    assert text[start : start + 6] == "深圳湾实验室"
    assert "https" not in text and "**" not in text and "#" not in text and "|" not in text
    assert text[source.index("香港大学") :].startswith("香港大学")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8 (BOM)"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le (BOM)"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be (BOM)"),
        (("Shenzhen 深圳 and Hong Kong 香港 cooperate.\n" * 5).encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TRAD.encode("big5"), "big5hkscs"),
    ],
)
def test_encodings_are_detected_and_reported(tmp_path, data, encoding):
    p = tmp_path / "doc.txt"
    p.write_bytes(data)
    doc = read_document(p)
    expected = ("Shenzhen 深圳 and Hong Kong 香港 cooperate.\n" * 5) if "cooperate".encode("utf-16-le") in data else None
    assert doc.encoding == encoding
    assert doc.text == (expected or (TRAD if data == TRAD.encode("big5") else TEXT))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (TEXT.encode("utf-8")[:-1], "is truncated (incomplete UTF-8 character at the end) at byte 115"),
        (TEXT.encode("utf-8")[:30] + b"\xff" + TEXT.encode("utf-8")[30:], "is not valid UTF-8 at byte 30"),
        (bytes(range(128, 256)) * 3, "cannot be decoded confidently (not UTF-8, GB18030 or Big5) at byte 0"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary (NUL or control bytes) at byte 8"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le")[:-1], "is not valid UTF-16-LE at byte"),
        (b"%PDF-1.4\n1 0 obj <<", "is not a readable PDF"),
        (make_docx(["深圳"])[:40], "is not a readable DOCX"),
        (b"PK\x03\x04" + b"\x00" * 30, "is not a readable DOCX"),
    ],
)
def test_undecodable_bytes_are_reported_with_the_offset(tmp_path, data, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(DocumentError) as err:
        read_document(p)
    assert message in str(err.value) and str(p) in str(err.value) and "\n" not in str(err.value)


def test_zip_that_is_not_docx_and_oversized_documents(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("data.csv", "a,b")
    p = tmp_path / "archive.docx"
    p.write_bytes(buf.getvalue())
    with pytest.raises(DocumentError, match="not a DOCX document"):
        read_document(p)
    big = tmp_path / "big.txt"
    big.write_text("深圳" * 1000, encoding="utf-8")
    with pytest.raises(DocumentError, match="is 6000 bytes, over the limit of 5000"):
        read_document(big, max_bytes=5000)


def test_a_few_control_characters_are_text_not_binary():
    assert detect_format("深圳\x07湾实验室\x1b[0m".encode(), ".txt") == "text"
    assert decode_text("深圳\x07湾".encode()) == ("深圳\x07湾", "utf-8")
