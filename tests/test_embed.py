"""Sentence embeddings: both backends, their agreement, the ONNX cache and the fallback.

The ONNX model is built once per test session into a temporary cache directory
(about 10 s on 2 cores); the torch model is loaded once and shared.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from crosscheck.analyze import embed

# Thirty sentences of the kinds crosscheck sees: news copy, datelines, quotes,
# figures, headlines, fragments, a little non-English and some noise.
VARIED = [
    "A passenger ferry sank off the northern coast on Tuesday, and 41 people are still missing.",
    "Rescue teams pulled 112 survivors from the water before nightfall, the coast guard said.",
    "The 6.1-magnitude earthquake struck at 3:42 a.m. local time, about 20 km below the surface.",
    "\"We felt the whole building sway,\" said Maria Lopez, a nurse at the regional hospital.",
    "Officials from both countries signed the trade treaty in Geneva after nine months of talks.",
    "Shares of the shipping company fell 14% in early trading.",
    "BREAKING: Parliament votes to dissolve itself",
    "The minister declined to comment.",
    "Police have arrested two men in connection with the robbery, a spokesman confirmed.",
    "Heavy rain is expected to continue through the weekend, forecasters warned.",
    "The central bank raised its benchmark interest rate by a quarter of a percentage point.",
    "Firefighters contained the blaze late on Sunday after it had burned 3,000 hectares.",
    "According to the Harbor Ledger, the vessel had failed a safety inspection in March.",
    "Le gouvernement a annoncé de nouvelles mesures pour soutenir les agriculteurs.",
    "Das Spiel endete unentschieden, zwei zu zwei.",
    "Click here to subscribe to our newsletter.",
    "Updated 14:05 GMT",
    "The striker scored twice in the second half to seal a 3-1 win for the visitors.",
    "Doctors said the patient was in stable condition after the surgery.",
    "Volunteers handed out blankets and hot meals at the temporary shelter.",
    "The company will cut 1,200 jobs as part of a restructuring plan announced Monday.",
    "Investigators are examining the flight data recorder recovered from the crash site.",
    "He was sentenced to 12 years in prison for fraud and money laundering.",
    "The new vaccine was 94 percent effective in preventing severe illness, the study found.",
    "Protesters gathered outside the embassy, chanting slogans and waving flags.",
    "Temperatures could reach 45C in parts of the south this week.",
    "Who knew?",
    "The album debuted at number one on the charts.",
    "Ministers will meet again on Friday to discuss the budget.",
    "A 7-year-old boy was found safe after spending the night lost in the forest.",
]

# (sentence, paraphrase) pairs; no two pairs share a topic.
PARAPHRASES = [
    ("A passenger ferry sank off the coast and dozens of people are missing.",
     "Dozens are missing after a ferry carrying passengers went down near the shore."),
    ("The central bank raised interest rates on Thursday.",
     "On Thursday the central bank increased its interest rates."),
    ("The earthquake damaged hundreds of homes in the mountain villages.",
     "Hundreds of houses in mountain villages were damaged by the quake."),
    ("Police arrested a suspect after the bank robbery.",
     "A man suspected of robbing the bank was taken into custody by police."),
    ("The team won the championship final in extra time.",
     "After extra time, the team clinched the title in the final."),
]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("embed-cache")


@pytest.fixture(scope="session")
def onnx_embedder(cache_dir):
    embedder = embed.get_embedder("onnx", cache_dir)
    # The fallback would hide a broken ONNX path: insist on the real thing.
    assert embedder.name == "onnx-int8", "the ONNX backend fell back to torch"
    return embedder


@pytest.fixture(scope="session")
def torch_embedder(cache_dir):
    embedder = embed.get_embedder("torch", cache_dir)
    assert embedder.name == "torch"
    return embedder


@pytest.fixture(params=["onnx", "torch"])
def embedder(request):
    return request.getfixturevalue(f"{request.param}_embedder")


# --- the interface, on both backends -------------------------------------------------


def test_shape_dtype_and_unit_rows(embedder):
    vectors = embedder.encode(VARIED)
    assert isinstance(embedder, embed.Embedder)
    assert embedder.dim == 384
    assert vectors.shape == (len(VARIED), 384)
    assert vectors.dtype == np.float32
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Different sentences give different vectors.
    assert np.unique(vectors.round(4), axis=0).shape[0] == len(VARIED)


def test_empty_input(embedder):
    for empty in ([], ()):
        vectors = embedder.encode(empty)
        assert vectors.shape == (0, 384) and vectors.dtype == np.float32
    # An empty string is still a text: one row of unit length.
    vectors = embedder.encode([""])
    assert vectors.shape == (1, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_bad_arguments(embedder):
    with pytest.raises(TypeError):
        embedder.encode("one string, which would otherwise be read character by character")
    with pytest.raises(TypeError):
        embedder.encode(["fine", None])
    with pytest.raises(ValueError):
        embedder.encode(["fine"], batch_size=0)


def test_order_preserved_despite_length_sorting(embedder):
    # Lengths in no particular order, several batches of two.
    texts = [
        VARIED[0] + " " + VARIED[1] + " " + VARIED[12],
        "Who knew?",
        VARIED[2],
        VARIED[16],
        VARIED[3] + " " + VARIED[21],
        VARIED[14],
        VARIED[5],
    ]
    assert sorted(texts, key=len) != texts
    batched = embedder.encode(texts, batch_size=2)
    one_by_one = np.vstack([embedder.encode([t]) for t in texts])
    similarity = batched @ one_by_one.T
    # Each row is its own text's vector. The int8 model quantizes activations
    # per batch, so there a row is close to, not identical with, its lone
    # encoding (down to about 0.96 for a three-word fragment).
    assert (similarity.argmax(axis=1) == np.arange(len(texts))).all()
    assert similarity.diagonal().min() > (0.9999 if embedder.name == "torch" else 0.95)
    # Permuting the input permutes the output (token lengths here are distinct,
    # so the sorted batches are the same ones).
    permutation = [3, 0, 6, 2, 5, 1, 4]
    permuted = embedder.encode([texts[i] for i in permutation], batch_size=2)
    np.testing.assert_allclose(permuted, batched[permutation], atol=1e-5)


def test_paraphrases_closer_than_unrelated(embedder):
    first = embedder.encode([a for a, _ in PARAPHRASES])
    second = embedder.encode([b for _, b in PARAPHRASES])
    similarity = first @ second.T
    paraphrase = similarity.diagonal()
    unrelated = similarity[~np.eye(len(PARAPHRASES), dtype=bool)]
    assert paraphrase.min() > 0.6
    assert unrelated.max() < 0.35
    # Each sentence's nearest neighbour on the other side is its paraphrase.
    assert (similarity.argmax(axis=1) == np.arange(len(PARAPHRASES))).all()


def test_long_texts_truncated_like_torch(onnx_embedder, torch_embedder):
    assert onnx_embedder.max_seq_length == torch_embedder.max_seq_length == 256
    # ~70 tokens about a ferry, then ~180 about football, then more than enough
    # filler to pass 256 tokens. Cut at 128 tokens (what tokenizer.json ships
    # with) the football would be mostly lost; at 256 it is in.
    ferry = " ".join(VARIED[i] for i in (0, 1, 12)) + " "
    football = ("The striker scored twice in the second half, the goalkeeper saved a penalty, "
                "and the coach praised the midfield after the league match. ") * 6
    long_text = ferry + football + "Fans celebrated in the stadium. " * 60
    longer_text = long_text + "Unrelated trailing words about the weather and markets. " * 40
    onnx_vectors = onnx_embedder.encode([long_text, longer_text])
    torch_vectors = torch_embedder.encode([long_text, longer_text])
    # Both texts are cut at the same point, so the extra tail changes nothing.
    assert float(onnx_vectors[0] @ onnx_vectors[1]) > 0.9999
    assert float(torch_vectors[0] @ torch_vectors[1]) > 0.9999
    assert cosines(onnx_vectors, torch_vectors).min() >= 0.97


def test_onnx_agrees_with_torch(onnx_embedder, torch_embedder):
    onnx_vectors = onnx_embedder.encode(VARIED, batch_size=8)
    torch_vectors = torch_embedder.encode(VARIED)
    agreement = cosines(onnx_vectors, torch_vectors)
    worst = {VARIED[i]: round(float(agreement[i]), 4) for i in np.argsort(agreement)[:3]}
    # Full sentences stay at 0.97 or above (typically 0.99); a fragment of two
    # or three words has fewer tokens to average out int8 rounding and can dip
    # just below (0.969 for "Who knew?" on the machine this was written on).
    sentences = np.array([len(text.split()) > 5 for text in VARIED])
    assert agreement[sentences].min() >= 0.97, worst
    assert agreement.min() >= 0.95, worst
    assert agreement.mean() >= 0.985, worst


# --- choosing a backend, the ONNX cache and the fallback -------------------------------------


def test_instances_are_cached_per_backend_and_cache_dir(onnx_embedder, torch_embedder, cache_dir):
    assert embed.get_embedder("onnx", cache_dir) is onnx_embedder
    assert embed.get_embedder("auto", cache_dir) is onnx_embedder
    assert embed.get_embedder("torch", cache_dir) is torch_embedder
    with pytest.raises(ValueError):
        embed.get_embedder("tensorflow", cache_dir)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSCHECK_CACHE", str(tmp_path / "elsewhere"))
    assert embed.default_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("CROSSCHECK_CACHE")
    assert embed.default_cache_dir() == Path.home() / ".cache" / "crosscheck"


def test_cached_onnx_model_is_reused(onnx_embedder, cache_dir, monkeypatch):
    path = embed.onnx_model_path(cache_dir)
    assert onnx_embedder.model_path == path and path.is_file()
    assert onnx_embedder.built_seconds is not None  # the session fixture built it
    before = path.stat().st_mtime_ns
    builds = []
    monkeypatch.setattr(embed, "_build_onnx_model", lambda target: builds.append(target))
    monkeypatch.setattr(embed, "_instances", {})  # as if a new process started
    again = embed.get_embedder("onnx", cache_dir)
    assert again is not onnx_embedder
    assert again.name == "onnx-int8" and again.built_seconds is None
    assert builds == [] and path.stat().st_mtime_ns == before
    np.testing.assert_allclose(again.encode(VARIED[:5]), onnx_embedder.encode(VARIED[:5]), atol=1e-6)


@pytest.mark.parametrize("backend", ["auto", "onnx"])
def test_falls_back_to_torch_when_onnx_fails(backend, torch_embedder, tmp_path, monkeypatch, caplog):
    attempts = []

    def broken_export(target):
        attempts.append(target)
        raise RuntimeError("simulated export failure")

    monkeypatch.setattr(embed, "_export_onnx", broken_export)
    with caplog.at_level(logging.WARNING, logger="crosscheck.analyze.embed"):
        chosen = embed.get_embedder(backend, tmp_path)
    assert chosen.name == "torch" and chosen is torch_embedder
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "simulated export failure" in warnings[0].getMessage()
    # Nothing half-built is left behind, and the failure is not retried per call.
    leftovers = [p.name for p in (tmp_path / "onnx").iterdir() if not p.name.endswith(".lock")]
    assert leftovers == []
    assert embed.get_embedder(backend, tmp_path) is chosen and len(attempts) == 1
    assert chosen.encode(VARIED[:2]).shape == (2, 384)


def test_unusable_cached_file_is_rebuilt(onnx_embedder, tmp_path, monkeypatch):
    path = embed.onnx_model_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not an onnx model")  # e.g. damaged, or from an old recipe
    builds = []

    def copy_good_model(target):
        builds.append(target)
        target.write_bytes(onnx_embedder.model_path.read_bytes())

    monkeypatch.setattr(embed, "_build_onnx_model", copy_good_model)
    rebuilt = embed.get_embedder("onnx", tmp_path)
    assert rebuilt.name == "onnx-int8" and len(builds) == 1
    assert rebuilt.encode(["ok"]).shape == (1, 384)


def test_stale_recipe_is_rejected(onnx_embedder, monkeypatch):
    monkeypatch.setattr(embed, "EXPORT_RECIPE", "not-the-recipe-it-was-built-with")
    with pytest.raises(embed.StaleModelError):
        embed.OnnxEmbedder(onnx_embedder.model_path)


BUILDER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from crosscheck.analyze import embed

    cache, log, start_at = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])

    def slow_build(target):
        with open(log, "a") as handle:
            handle.write(f"{os.getpid()}\\n")
        with open(target, "wb") as handle:
            handle.write(b"a" * 1000)
            handle.flush()
            time.sleep(1.5)  # a reader must never see this half-written file
            handle.write(b"b" * 1000)

    embed._build_onnx_model = slow_build
    time.sleep(max(0.0, start_at - time.time()))
    path, built = embed.ensure_onnx_model(cache)
    print(path.stat().st_size, built)
""")


def test_concurrent_first_use_builds_once(tmp_path):
    """Two processes start at once on an empty cache, a third arrives while the
    file is being written: one build, and every process gets the whole file."""
    script = tmp_path / "builder.py"
    script.write_text(BUILDER)
    cache, log = tmp_path / "cache", tmp_path / "builds.log"
    start = time.time() + 4.0  # every process has imported by then
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([sys.executable, str(script), str(cache), str(log), f"{start + delay:.3f}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for delay in (0.0, 0.0, 0.75)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    results = sorted(out.split() for out, _ in outputs)
    assert results == [["2000", "False"], ["2000", "False"], ["2000", "True"]]
    assert len(log.read_text().split()) == 1
    assert sorted(p.name for p in (cache / "onnx").iterdir()) == [embed.ONNX_FILENAME,
                                                                   embed.ONNX_FILENAME + ".lock"]
