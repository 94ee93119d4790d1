"""Exact and near-duplicate detection over a time window.

Exact copies share the hash of the normalized body (boilerplate, markup and
spelling variants already removed). Near copies (the same wire story under another
intro line or signature) are found with MinHash signatures of word shingles
(datasketch) and LSH banding, then confirmed by their estimated Jaccard similarity.

The state is a ``WindowState``: one record an article (its hash, its signature, its
verdict) in the durable mapping, and an in-memory index of hashes and band hashes
derived from those records. Time is cut into slices one window long; a lookup reads
the current and the previous slice, and records older than that are deleted, so the
state holds at most about two windows of articles.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
from datasketch import MinHash

from processors.window import SlicedIndex, WindowState
from schemas import NormalizedArticle

# A character for which str.isalnum() holds: \w is those and the underscore. One regex search
# a token, in C, instead of a Python loop over its characters.
ALPHANUMERIC = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Verdict:
    """``duplicate_of`` is the first article of the story; ``kind`` is None for a new story."""

    kind: str | None
    duplicate_of: str | None
    similarity: float | None


@dataclass
class _Slice:
    """The articles of one time slice, by body hash and by LSH band."""

    exact: dict[str, tuple[str, int]] = field(default_factory=dict)  # hash -> (root, time)
    bands: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # band -> [(article, time)]


@dataclass
class _Index(SlicedIndex):
    slices: dict[int, _Slice] = field(default_factory=dict)


class Deduplicator:
    """``(NormalizedArticle, WindowState) -> Verdict``, remembering the article in the state."""

    name = "dedup"

    def __init__(self, *, window: timedelta = timedelta(hours=72), threshold: float = 0.6,
                 num_perm: int = 64, bands: int = 16, shingle: int = 3, bucket_size: int = 32,
                 seed: int = 1) -> None:
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.window_s = int(window.total_seconds())
        self.threshold = threshold
        self.num_perm, self.bands, self.rows = num_perm, bands, num_perm // bands
        self.shingle = shingle
        self.bucket_size = bucket_size
        # crc32 hashes shingles in C; datasketch's default sha1 costs about a millisecond an article.
        self._template = MinHash(num_perm=num_perm, seed=seed, hashfunc=zlib.crc32)

    def __call__(self, article: NormalizedArticle, state: WindowState) -> Verdict:
        index = self._index(state)
        now = index.expiry.now(article.published)
        self._advance(index, now // self.window_s)
        index.expiry.sweep(state.records, self._horizon(index))

        key = f"a:{article.id}"
        digest = hashlib.blake2b(article.body.text.encode("utf-8"), digest_size=16).hexdigest()
        previous = state.records.get(key)
        if previous is not None and previous["digest"] == digest:  # a replay gets the same verdict
            return Verdict(*previous["verdict"])
        verdict, root, signature = self._judge(article, digest, now, index, state)
        record = {"t": now, "digest": digest, "verdict": [verdict.kind, verdict.duplicate_of, verdict.similarity],
                  "root": root, "signature": None if signature is None else signature.tolist()}
        if previous is not None:  # a new version of the article replaces the old one
            self._forget(index, article.id, previous)
        state.records[key] = record
        self._remember(index, article.id, record)
        return verdict

    def _judge(self, article: NormalizedArticle, digest: str, now: int, index: _Index,
               state: WindowState) -> tuple[Verdict, str, np.ndarray | None]:
        """The verdict, the first article of the story, and the article's signature."""
        current = now // self.window_s
        slices = [index.slices[s] for s in (current, current - 1) if s in index.slices]
        for slice_ in slices:
            exact = slice_.exact.get(digest)
            if exact is not None and exact[0] != article.id and abs(now - exact[1]) <= self.window_s:
                return Verdict("exact", exact[0], 1.0), exact[0], None

        signature = self.signature(article)
        best: tuple[float, str] | None = None
        if signature is not None:
            seen: set[str] = set()
            for band in self._band_keys(signature):
                for slice_ in slices:
                    for candidate_id, when in slice_.bands.get(band, ()):
                        if candidate_id in seen or candidate_id == article.id or abs(now - when) > self.window_s:
                            continue
                        seen.add(candidate_id)
                        stored = state.records.get(f"a:{candidate_id}")
                        if stored is None or stored["signature"] is None:
                            continue
                        similarity = float(np.mean(np.asarray(stored["signature"], dtype=np.uint64) == signature))
                        if similarity >= self.threshold and (best is None or similarity > best[0]):
                            best = (similarity, stored["root"])
        if best is None or best[1] == article.id:  # nothing close, or an earlier version of this same article
            return Verdict(None, None, None), article.id, signature
        return Verdict("near", best[1], round(best[0], 4)), best[1], signature

    def signature(self, article: NormalizedArticle) -> np.ndarray | None:
        """MinHash values of the body's word shingles (punctuation left out); None for no words."""
        words = [t.norm for t in article.body.tokens if ALPHANUMERIC.search(t.norm)]
        if not words:
            return None
        n = min(self.shingle, len(words))
        shingles = set(map(str.encode, map(" ".join, zip(*(words[k:] for k in range(n))))))
        minhash = MinHash(num_perm=self.num_perm, permutations=self._template.permutations,
                          scheme=self._template.scheme, hashfunc=zlib.crc32)
        minhash.update_batch(list(shingles))
        return minhash.hashvalues.astype(np.uint64)

    def _band_keys(self, signature: np.ndarray) -> list[str]:
        keys = []
        for band in range(self.bands):
            rows = signature[band * self.rows:(band + 1) * self.rows]
            keys.append(f"{band}:{hashlib.blake2b(rows.tobytes(), digest_size=8).hexdigest()}")
        return keys

    def _index(self, state: WindowState) -> _Index:
        """The state's index, rebuilt from its records when there is none (a new or recovered table)."""
        if state.index is None:
            index = _Index()
            for key in list(state.records):
                self._remember(index, key.removeprefix("a:"), state.records[key])
            if index.expiry.times:
                self._advance(index, index.expiry.newest // self.window_s)
            state.index = index
        return state.index

    def _remember(self, index: _Index, article_id: str, record: dict[str, Any]) -> None:
        index.expiry.touch(f"a:{article_id}", record["t"])
        slice_ = self._slice(index, record["t"])
        if slice_ is None or record["verdict"][0] == "exact":
            return
        slice_.exact[record["digest"]] = (record["root"], record["t"])
        if record["signature"] is not None:
            for band in self._band_keys(np.asarray(record["signature"], dtype=np.uint64)):
                bucket = [entry for entry in slice_.bands.get(band, ()) if entry[0] != article_id]
                slice_.bands[band] = (bucket + [(article_id, record["t"])])[-self.bucket_size:]

    def _forget(self, index: _Index, article_id: str, record: dict[str, Any]) -> None:
        slice_ = index.slices.get(record["t"] // self.window_s)
        if slice_ is None or record["signature"] is None:
            return
        for band in self._band_keys(np.asarray(record["signature"], dtype=np.uint64)):
            if band in slice_.bands:
                slice_.bands[band] = [entry for entry in slice_.bands[band] if entry[0] != article_id]

    def _slice(self, index: _Index, when: int) -> _Slice | None:
        """The slice of ``when``, unless it has expired."""
        number = when // self.window_s
        return index.slices.setdefault(number, _Slice()) if index.live(number) else None

    def _advance(self, index: _Index, current: int) -> None:
        """Start a new slice, and mark the records of the slices it forgets for deletion."""
        if index.advance(current):
            index.expiry.expire(self._horizon(index))

    def _horizon(self, index: _Index) -> int:
        return (index.current - 1) * self.window_s if index.current is not None else 0
