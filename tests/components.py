"""The processors as the tests use them, built once: real registry, real CRF model, real camel-tools."""

from __future__ import annotations

from processors import ActionCoder, AgentFinder, EntityExtractor, Gazetteer, Normalizer
from processors.ner import NerTagger
from processors.registry import load_registry
from processors.terms import DocumentFrequencies, TermWeigher

NORMALIZER = Normalizer()
REGISTRY = load_registry()
GAZETTEER = Gazetteer.from_registry(REGISTRY, NORMALIZER.match_form)
EXTRACTOR = EntityExtractor(REGISTRY, GAZETTEER, NerTagger(), NORMALIZER.match_form)
CODER = ActionCoder(REGISTRY, NORMALIZER.match_form)
AGENTS = AgentFinder(NORMALIZER.match_form, REGISTRY.nisbas_by_form(NORMALIZER.match_form))
WEIGHER = TermWeigher(DocumentFrequencies.load())
