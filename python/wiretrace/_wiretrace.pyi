"""Type stubs of the native module (see python/src/lib.rs)."""

from typing import List, Optional, Tuple

# The columns id, text, source, published, title, url.
Columns = Tuple[
    List[str],
    List[str],
    List[Optional[str]],
    List[Optional[str]],
    List[Optional[str]],
    List[Optional[str]],
]

__version__: str

class ScanReport:
    def to_json(self) -> str: ...
    def to_jsonl(self) -> str: ...
    def write(self, path: str, format: str) -> None: ...

class Index:
    @staticmethod
    def create(path: str, params: str) -> "Index": ...
    @staticmethod
    def open(path: str) -> "Index": ...
    def add(self, columns: Columns, on_duplicate: str) -> str: ...
    def query(self, columns: Columns) -> ScanReport: ...
    def remove(self, ids: List[str]) -> str: ...
    def stats(self) -> str: ...

def scan_columns(columns: Columns, params: str) -> ScanReport: ...
def scan_paths(paths: List[str], params: str) -> ScanReport: ...
def compare(a: str, b: str, params: str) -> str: ...
def fingerprint_columns(
    columns: Columns, params: str
) -> Tuple[
    Tuple[
        List[str],
        List[int],
        List[int],
        List[int],
        List[int],
        List[int],
        List[bool],
        List[List[int]],
        List[List[int]],
    ],
    Tuple[List[str], List[int]],
]: ...
def boilerplate_verdict(holders: List[Tuple[str, Optional[str]]], text: str) -> bool: ...
def verify_pairs(
    left: List[List[int]], right: List[List[int]], params: str
) -> Tuple[List[float], List[float], List[float], List[bool]]: ...
def align_pairs(
    columns: Columns,
    params: str,
    pairs: List[Tuple[int, int]],
    boilerplate: List[Tuple[int, bool]],
    capped_anchors: List[int],
) -> Tuple[
    List[int], List[int], List[int], List[int], List[int], List[int], List[int], List[int], List[int]
]: ...
def scan_component(
    columns: Columns, params: str, boilerplate: List[Tuple[int, bool]], capped_anchors: List[int]
) -> ScanReport: ...
