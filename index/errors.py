"""Failures of the full-text index, as DaibanError subclasses with Chinese messages."""

from pathlib import Path

from archive.base.errors import BusyError, DaibanError, ExitCode, UsageError


class SearchIndexError(DaibanError):
    """The index is missing or cannot be read."""

    exit_code = ExitCode.INDEX


class IndexMissingError(SearchIndexError):
    """There is no usable index in the index directory."""

    def __init__(self, index_dir: Path):
        super().__init__(f"索引不存在或不完整：{index_dir}。请运行 daiban index rebuild 重建索引。")


class IndexOutdatedError(SearchIndexError):
    """The live index was built by an earlier daiban, with fields this one does not read."""

    def __init__(self, index_dir: Path, built: int, current: int):
        super().__init__(f"索引由旧版本 daiban 建立（格式 {built}，本版本为 {current}）：{index_dir}。"
                         "请运行 daiban index rebuild 重建索引（同时重新提取已生成表单的文字）。")


class IndexLockedError(BusyError):
    """Another process kept the index writer lock longer than the bounded wait."""

    def __init__(self, lock_path: Path, waited: float, holder: str):
        who = f"（进程 {holder}）" if holder else ""
        super().__init__(
            f"索引正被另一个进程写入{who}，等待 {waited:.0f} 秒后仍未释放：{lock_path}。"
            "请稍后重试；本次未写入的更新可由 daiban index sync 补齐。"
        )


class IndexCorruptError(SearchIndexError):
    """The index files cannot be read by the backend."""

    def __init__(self, index_dir: Path, detail: str):
        super().__init__(f"索引无法读取：{index_dir}（{detail}）。请运行 daiban index rebuild 重建索引。")


class UnknownBackendError(UsageError):
    """The configured backend name is not whoosh or tantivy."""

    def __init__(self, name: str):
        super().__init__(f"未知的索引后端：{name}（可选 whoosh 或 tantivy）。")
