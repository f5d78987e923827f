"""The matter library (事项库) as staff use it: check it, list it, show one matter with its materials."""

from dataclasses import dataclass
from pathlib import Path

from archive.base.errors import NotFoundError
from archive.catalog.session import Archive
from archive.dataroot.matterlibrary import LibraryMaterial, LibraryMatter, MatterLibrary, gaps, load_library


@dataclass(frozen=True)
class LibraryCheck:
    """A checked library: where it was read from, its counts and what it leaves empty."""

    path: Path
    builtin: bool
    matters: int
    materials: int
    gaps: list[str]

    @property
    def ok(self) -> bool:
        """True when nothing forms or deadlines need is left empty."""
        return not self.gaps


@dataclass(frozen=True)
class MatterEntry:
    """One matter of the library with its materials resolved."""

    matter: LibraryMatter
    materials: list[LibraryMaterial]


def check_library(archive: Archive) -> LibraryCheck:
    """Read and check the library (a broken file raises, naming the entry); list what is left empty."""
    library = load_library(archive.root)
    return LibraryCheck(library.path, library.builtin, len(library.matters), len(library.materials), gaps(library))


def library_matters(archive: Archive, stage: str | None = None) -> list[LibraryMatter]:
    """The library's matters, optionally of one stage."""
    return [m for m in load_library(archive.root).matters if stage is None or m.stage == stage]


def find_library_matter(library: MatterLibrary, name: str) -> LibraryMatter:
    """A matter by its exact name, else NotFoundError naming the ones whose names contain it."""
    found = library.matter(name.strip())
    if found is not None:
        return found
    close = [m.name for m in library.matters if name.strip() and name.strip() in m.name]
    hint = f"；相近的有：{'、'.join(close)}" if close else "；daiban catalog list 列出全部事项"
    raise NotFoundError(f"事项库（{library.path}）中没有事项“{name}”{hint}")


def library_entry(archive: Archive, name: str) -> MatterEntry:
    """One matter of the library with its materials."""
    library = load_library(archive.root)
    matter = find_library_matter(library, name)
    return MatterEntry(matter, library.materials_of(matter))
