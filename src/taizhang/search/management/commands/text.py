"""`taizhang text clean FILE [--to simplified|traditional] [--json]` and `taizhang text figures FILE [--json]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taizhang.pure.cli_text import run_clean, run_figures


class Command(BaseCommand):
    help = "文本处理：clean 清洗受损文本；figures 从报告中提取数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        clean = sub.add_parser("clean", help="清洗文本：去除拼音注音、标出乱码、规范标点，可转换繁简")
        clean.add_argument("file")
        clean.add_argument("--to", choices=["simplified", "traditional"], default=None)
        clean.add_argument("--json", action="store_true", dest="as_json")
        figures = sub.add_parser("figures", help="提取报告中的扫黑除恶统计数据（.txt 或 .docx）")
        figures.add_argument("file")
        figures.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["subcommand"] == "clean":
                output = run_clean(options["file"], to=options["to"], as_json=options["as_json"])
            else:
                output = run_figures(options["file"], as_json=options["as_json"])
        except OSError as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        self.stdout.write(output)
