"""Who may read the data root: its owner, and one group if the agency names it (project material is
confidential, seed 001). New files get these rights from the process's umask; folders pass the group on."""

import grp
import os
import shutil
import stat
from pathlib import Path

from archive.base.errors import UsageError

OWNER_ONLY = 0o077
OWNER_AND_GROUP = 0o027


def restrict_new_files(group: str) -> None:
    """Make every file and folder this process creates readable by the owner (and the group) only."""
    os.umask(OWNER_AND_GROUP if group else OWNER_ONLY)


def check_group(group: str) -> None:
    """Refuse a group the system does not have."""
    try:
        grp.getgrnam(group)
    except KeyError:
        raise UsageError(f"用户组“{group}”不存在（可先用 groupadd 创建）") from None


def share_with_group(folders: list[Path], group: str) -> None:
    """Give the folders to the group, so files created in them belong to it (the set-group-ID bit)."""
    for folder in folders:
        shutil.chown(folder, group=group)
        folder.chmod(folder.stat().st_mode | stat.S_ISGID)
