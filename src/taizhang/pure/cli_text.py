"""Plain functions behind the text commands of the CLI: read a file, clean it or extract figures."""

from __future__ import annotations

import json
from pathlib import Path

from taizhang.pure.cleaning import clean
from taizhang.pure.figures import extract_figures, figures_as_dicts, prepare
from taizhang.pure.script import Target

__all__ = ["read_text", "run_clean", "run_figures"]

_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")


def _read_docx(path: Path) -> str:
    """Read the paragraphs (and table cells) of a .docx file as lines of text."""
    import docx  # python-docx; imported lazily so plain-text use does not need it

    document = docx.Document(str(path))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def read_text(path: str | Path) -> str:
    """Read a .txt file (utf-8, utf-8 with BOM, or gb18030) or a .docx file as text."""
    path = Path(path)
    if path.suffix.lower() == ".docx":
        return _read_docx(path)
    data = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.removeprefix("\ufeff")
    return data.decode("utf-8", errors="replace")


def run_clean(path: str | Path, to: Target | None = None, as_json: bool = False) -> str:
    """Clean a file; return the cleaned text, or JSON with text, annotations, suspect spans and script."""
    result = clean(read_text(path), to=to)
    if not as_json:
        return result.text
    payload = {
        "text": result.text,
        "annotations_removed": result.annotations_removed,
        "suspect_spans": [
            {"start": start, "end": end, "text": text} for start, end, text in result.suspect_spans
        ],
        "script": result.script,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def run_figures(path: str | Path, as_json: bool = False) -> str:
    """Extract figures from a file; return one tab-separated line per figure, or a JSON list."""
    text = prepare(read_text(path))
    figures = extract_figures(text, prepared=True)
    if as_json:
        return json.dumps(figures_as_dicts(figures), ensure_ascii=False, indent=2)
    lines = [
        f"{f.indicator}\t{f.value}\t{f.unit}\t{'≈' if f.approx else ''}\t{f.text}\t{f.start}-{f.end}"
        for f in figures
    ]
    return "\n".join(lines)
