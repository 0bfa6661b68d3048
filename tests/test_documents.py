import pytest

from extract.documents import list_corpus, read_document
from kg.errors import CorpusError, DocumentError


def test_reads_utf8_with_bom_and_stable_id(tmp_path):
    p = tmp_path / "abc_123.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "深圳\r\n".encode())
    doc = read_document(p)
    assert doc.doc_id == "abc_123"
    assert doc.text == "深圳\n"
    assert len(doc.sha256) == 64


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bad.txt", "深圳".encode() + b"\xff\xfe", "not valid UTF-8 at byte 6"),
        ("empty.txt", b"  \n", "is empty"),
        ("bin.txt", b"ab\x00cd", "looks binary (NUL or control bytes) at byte 2"),
        ("doc.pdf", b"%PDF", "is not a readable PDF"),
    ],
)
def test_bad_documents_raise_one_line_errors(tmp_path, name, data, message):
    p = tmp_path / name
    p.write_bytes(data)
    with pytest.raises(DocumentError) as err:
        read_document(p)
    assert message in str(err.value)
    assert str(p) in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_corpus_and_empty_corpus(tmp_path):
    with pytest.raises(CorpusError):
        list_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match=r"no documents"):
        list_corpus(tmp_path)
