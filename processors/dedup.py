"""Exact and near-duplicate detection over a time window, with its state in a plain mapping.

Exact copies share the hash of the normalized body (boilerplate, markup and
spelling variants already removed). Near copies (the same wire story under another
intro line or signature) are found with MinHash signatures of word shingles
(datasketch) and LSH banding, then confirmed by their estimated Jaccard similarity.

The state is a ``MutableMapping[str, JSON value]`` (a dict in ``akhbar run``, a Faust
table in the stream). Every key carries the time slice it belongs to, a slice being
one window long; a lookup reads the current and the previous slice, and when a new
slice begins, keys older than that are deleted, so the state holds at most about
two windows of articles.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from datasketch import MinHash

from processors.clock import CLOCK_KEY, advance, stream_time
from schemas import NormalizedArticle


@dataclass(frozen=True)
class Verdict:
    """``duplicate_of`` is the first article of the story; ``kind`` is None for a new story."""

    kind: str | None
    duplicate_of: str | None
    similarity: float | None


class Deduplicator:
    """``(NormalizedArticle, state) -> Verdict``, remembering the article in ``state``."""

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

    def __call__(self, article: NormalizedArticle, state: MutableMapping[str, Any]) -> Verdict:
        now = stream_time(article.published, state)
        current = now // self.window_s
        self._expire(current, now, state)
        slices = (current, current - 1)

        digest = hashlib.blake2b(article.body.text.encode("utf-8"), digest_size=16).hexdigest()
        for slice_ in slices:  # a replay of the same article gets the same verdict
            previous = state.get(f"a:{slice_}:{article.id}")
            if previous is not None and previous[0] == digest:
                return Verdict(*previous[1:])
        verdict = self._judge(article, digest, now, current, slices, state)
        state[f"a:{current}:{article.id}"] = [digest, verdict.kind, verdict.duplicate_of, verdict.similarity]
        return verdict

    def _judge(self, article: NormalizedArticle, digest: str, now: int, current: int, slices: tuple[int, int],
               state: MutableMapping[str, Any]) -> Verdict:
        for slice_ in slices:
            exact = state.get(f"x:{slice_}:{digest}")
            if exact is not None and exact[0] != article.id and abs(now - exact[1]) <= self.window_s:
                return Verdict("exact", exact[0], 1.0)

        signature = self.signature(article)
        best: tuple[float, str] | None = None
        if signature is not None:
            seen: set[str] = set()
            for band_key in self._band_keys(signature, slices):
                for candidate_id, when in state.get(band_key, ()):
                    if candidate_id in seen or candidate_id == article.id or abs(now - when) > self.window_s:
                        continue
                    seen.add(candidate_id)
                    stored = state.get(f"s:{band_key.split(':')[1]}:{candidate_id}")
                    if stored is None:
                        continue
                    similarity = float(np.mean(np.asarray(stored[2], dtype=np.uint64) == signature))
                    if similarity >= self.threshold and (best is None or similarity > best[0]):
                        best = (similarity, stored[1])
        if best is not None and best[1] == article.id:  # an earlier version of this same article
            best = None
        root = best[1] if best else article.id
        state[f"x:{current}:{digest}"] = [root, now]
        if signature is not None:
            state[f"s:{current}:{article.id}"] = [now, root, signature.tolist()]
            for band_key in self._band_keys(signature, (current,)):
                bucket = [entry for entry in state.get(band_key, ()) if entry[0] != article.id]
                state[band_key] = (bucket + [[article.id, now]])[-self.bucket_size:]
        if best is None:
            return Verdict(None, None, None)
        return Verdict("near", best[1], round(best[0], 4))

    def signature(self, article: NormalizedArticle) -> np.ndarray | None:
        """MinHash values of the body's word shingles (punctuation left out); None for no words."""
        words = [t.norm for t in article.body.tokens if any(c.isalnum() for c in t.norm)]
        if not words:
            return None
        n = min(self.shingle, len(words))
        shingles = {" ".join(words[i:i + n]).encode("utf-8") for i in range(len(words) - n + 1)}
        minhash = MinHash(num_perm=self.num_perm, permutations=self._template.permutations,
                          scheme=self._template.scheme, hashfunc=zlib.crc32)
        minhash.update_batch(list(shingles))
        return minhash.hashvalues.astype(np.uint64)

    def _band_keys(self, signature: np.ndarray, slices) -> list[str]:
        keys = []
        for band in range(self.bands):
            rows = signature[band * self.rows:(band + 1) * self.rows]
            band_hash = hashlib.blake2b(rows.tobytes(), digest_size=8).hexdigest()
            keys += [f"b:{slice_}:{band}:{band_hash}" for slice_ in slices]
        return keys

    def _expire(self, current: int, now: int, state: MutableMapping[str, Any]) -> None:
        if advance(state, current, now):
            for key in [key for key in state if key != CLOCK_KEY and int(key.split(":")[1]) < current - 1]:
                del state[key]
