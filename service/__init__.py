"""Akhbar's downstream service: a store of the pipeline's events, an HTTP API and a live dashboard.

It is a consumer around the pipeline, not part of it: it reads the ``events``, ``mentions`` and
``articles.enriched`` topics (or the files of ``akhbar run``) and knows the pipeline only through
the contracts of ``schemas``.
"""
