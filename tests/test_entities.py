"""Entity extraction and linking: the registry, the CRF tagger, and the user's seed article."""

from __future__ import annotations

from collections import defaultdict

import os

import pytest

from conftest import akhbar, shared_file
from processors import EntityExtractor, Gazetteer, Normalizer
from processors.ner import NerTagger, score_entities, sentence_features, spans_from_iob
from processors.registry import load_registry
from schemas import Article

NORMALIZER = Normalizer()
REGISTRY = load_registry()
GAZETTEER = Gazetteer.from_registry(REGISTRY, NORMALIZER.match_form)
EXTRACTOR = EntityExtractor(REGISTRY, GAZETTEER, NerTagger(), NORMALIZER.match_form)


def extract(body: str, title: str | None = None):
    return EXTRACTOR(NORMALIZER(Article(id="a", source="s", title=title, body=body))).entities


@pytest.fixture(scope="module")
def seed_entities(seed_path):
    seed = Article.from_json(seed_path.read_bytes())
    entities = EXTRACTOR(NORMALIZER(seed)).entities
    for entity in entities:
        assert (seed.title if entity.field == "title" else seed.body)[entity.start:entity.end] == entity.text
    return entities


@pytest.mark.parametrize(("canonical", "surfaces"), [
    ("Sergey Lavrov", {"لافروف", "سيرغي لافروف", "وزير الخارجية الروسي", "نظيره الروسي"}),
    ("Hakan Fidan", {"هاكان فيدان", "نظيره التركي"}),
    ("Abbas Araghchi", {"عباس عراقجي", "الوزير الإيراني"}),
    ("Mohammad Ghazi al-Jalali", {"محمد الجلالي"}),
])
def test_seed_people_are_found_and_linked_to_one_entity(seed_entities, canonical, surfaces):
    mentions = [e for e in seed_entities if e.canonical == canonical]
    assert {e.text for e in mentions} == surfaces
    assert len({e.entity_id for e in mentions}) == 1 and all(e.type == "PERS" for e in mentions)


@pytest.mark.parametrize(("canonical", "surface"), [
    ("Syria", "سوريا"), ("Aleppo", "حلب"), ("Idlib", "إدلب"), ("Turkey", "تركيا"), ("Russia", "روسيا"),
    ("Iran", "إيران"), ("Moscow", "موسكو"), ("United States", "الولايات المتحدة"),
])
def test_seed_places_are_found(seed_entities, canonical, surface):
    assert surface in {e.text for e in seed_entities if e.canonical == canonical and e.type == "LOC"}


@pytest.mark.parametrize(("canonical", "surfaces"), [
    ("Ministry of Foreign Affairs of Russia", {"وزارة الخارجية الروسية", "وزارة الخارجية"}),
    ("Ministry of Foreign Affairs of Iran", {"وزارة الخارجية الإيرانية", "الخارجية الإيرانية"}),
])
def test_seed_ministries_are_found_and_linked(seed_entities, canonical, surfaces):
    mentions = [e for e in seed_entities if e.canonical == canonical]
    assert {e.text for e in mentions} == surfaces and {e.type for e in mentions} == {"ORG"}


def test_every_seed_entity_id_has_one_canonical_name(seed_entities):
    names = defaultdict(set)
    for entity in seed_entities:
        names[entity.entity_id].add(entity.canonical)
    assert all(len(canonical) == 1 for canonical in names.values())


def test_a_title_alone_is_not_a_person_but_its_nisba_is_a_nationality():
    entities = extract("صرح وزير الخارجية الروسي بأن المحادثات مستمرة")
    assert [(e.text, e.type, e.country) for e in entities] == [("الروسي", "MISC", "RU")]


def test_a_title_with_a_country_name_links_to_the_holder_named_in_the_article():
    entities = extract("التقى وزير خارجية مصر بنظيره. وقال بدر عبد العاطي إن اللقاء مثمر")
    assert {e.canonical for e in entities if e.type == "PERS"} == {"Badr Abdelatty"}


def test_a_country_wins_over_its_own_capital_and_ambiguous_names_stay_out():
    assert GAZETTEER.lookup((NORMALIZER.match_form("الكويت"),)).kind == "country"
    assert GAZETTEER.lookup((NORMALIZER.match_form("عمان"),)) is None  # Oman or Amman


def test_ministries_are_generated_from_nisbas():
    [entity] = extract("أعلنت وزارة الداخلية السعودية القبض على المتهمين")
    assert (entity.entity_id, entity.type) == ("org:ministry-interior-sa", "ORG")


def test_iob_spans_follow_conlleval():
    labels = ["B-PERS", "I-PERS", "O", "I-LOC", "I-LOC", "B-ORG", "B-ORG", "I-MISC"]
    assert [(s.first, s.last, s.type) for s in spans_from_iob(labels)] == \
        [(0, 1, "PERS"), (3, 4, "LOC"), (5, 5, "ORG"), (6, 6, "ORG"), (7, 7, "MISC")]
    scores = score_entities([labels], [["B-PERS", "I-PERS", "O", "B-LOC", "I-LOC", "O", "B-ORG", "O"]])
    assert (scores["ALL"].gold, scores["ALL"].predicted, scores["ALL"].correct) == (5, 3, 3)


def test_the_tagger_keeping_only_features_its_model_knows_gives_the_labels_of_all_features(seed_path):
    """CRFsuite ignores attributes without weights, so pruning them changes no label."""
    tagger = NerTagger()
    seed = NORMALIZER(Article.from_json(seed_path.read_bytes()))
    tokens = seed.body.tokens
    registry_tags = GAZETTEER.iob_tags(GAZETTEER.matches(seed.article.body, tokens), len(tokens))
    for span in seed.body.sentences:
        inside = [i for i, token in enumerate(tokens) if span.start <= token.start < span.end]
        sentence, tags = tokens[inside[0]:inside[-1] + 1], registry_tags[inside[0]:inside[-1] + 1]
        every_feature = sentence_features(sentence, tags)
        assert tagger.tag(sentence, tags) == tagger._tagger.tag(every_feature)
        assert any(feature not in tagger._known for features in every_feature for feature in features)


def test_eval_ner_prints_scores_on_anercorp(tmp_path):
    test_file = shared_file("anercorp/test.txt")
    predictions = tmp_path / "pred.txt"
    result = akhbar("eval", "ner", str(test_file), "--predictions", str(predictions))
    assert result.returncode == 0, result.stderr.decode()
    rows = {line.split()[0]: line.split() for line in result.stdout.decode().splitlines()[1:]}
    assert set(rows) == {"ALL", "PERS", "ORG", "LOC", "MISC"}
    assert float(rows["ALL"][-1]) >= 65.0
    lines = [line for line in predictions.read_text(encoding="utf-8").splitlines() if line]
    assert len(lines) == sum(1 for line in test_file.read_text(encoding="utf-8").splitlines() if line.split())
    assert all(len(line.split()) == 3 for line in lines)


def test_camel_bert_backend_without_its_data_gives_a_clear_message(tmp_path, seed_path):
    env = {**os.environ, "AKHBAR_NER_BACKEND": "camel-bert", "CAMELTOOLS_DATA": str(tmp_path)}
    result = akhbar("run", str(seed_path), "--out", str(tmp_path / "out"), env=env)
    assert result.returncode == 2
    assert "camel-tools NER data is not installed" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_common_words_that_are_also_city_names_are_not_places():
    assert GAZETTEER.lookup((NORMALIZER.match_form("الخبر"),)) is None  # Khobar, and "the news"
    assert [e.text for e in extract("نشرت الصحيفة الخبر صباحا") if e.type == "LOC"] == []
