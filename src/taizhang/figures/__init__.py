"""从文本提取数据 (figures from text): review the figures found in a report and apply them."""
