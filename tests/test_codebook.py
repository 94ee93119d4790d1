"""The codebook's scoring of entities and actions against hand-coded articles (own fixtures)."""

from __future__ import annotations

from conftest import akhbar, shared_file
from processors.codebook import held_out, score_actions, score_entities

GOLD = [{
    "id": "g1",
    "entities": [
        {"text": "وزارة الداخلية التونسية", "type": "ORG", "canonical": "Ministry of Interior (Tunisia)"},
        {"text": "بنزرت", "type": "LOC", "canonical": "Bizerte"},
        {"text": "التونسي", "type": "MISC", "canonical": "Tunisian"},
    ],
    "events": [
        {"plover": "COERCE", "cameo": "173",
         "actor1": {"name": "Tunisian police", "text": "الشرطة التونسية", "country": "TN", "role": "COP"},
         "actor2": {"name": "Suspects", "text": "مشتبه بهم", "country": None, "role": "CRM"}},
        {"plover": "ACCUSE", "cameo": "111",
         "actor1": {"name": "Ministry of Interior (Tunisia)", "text": "وزارة الداخلية", "country": "TN", "role": "GOV"},
         "actor2": None},
    ],
}]


def test_entities_match_by_arabic_words_or_english_name_and_count_distinct_predictions():
    predicted = {"g1": [
        {"text": "الداخلية التونسية", "type": "ORG", "entity_id": "org:x", "canonical": "x"},  # inside the gold form
        {"text": "وزارة الداخلية", "type": "ORG", "entity_id": "org:x", "canonical": "x"},  # same id: one distinct
        {"text": "بنزرتة", "type": "LOC", "entity_id": None, "canonical": "Bizerte"},  # by English name
        {"text": "تونس", "type": "PERS", "entity_id": None, "canonical": None},  # wrong
    ]}
    scores = score_entities(GOLD, predicted)
    assert (scores.overall.gold, scores.overall.found, scores.overall.predicted, scores.overall.correct) == (2, 2, 3, 2)
    assert scores.linked == 1  # the ministry has a registry id, the city none
    assert scores.per_type["PERS"].predicted == 1 and scores.per_type["PERS"].correct == 0


def test_actions_match_on_category_and_both_actors_by_country_and_role():
    coded = {"g1": [
        {"plover": "COERCE", "actor1": {"text": "الأمن", "country": "TN", "sector": "COP"},
         "actor2": {"text": "المشتبه بهم", "country": None, "sector": "CRM"}},
        {"plover": "DISAPPROVE", "actor1": {"text": "وزارة الداخلية", "country": "TN", "sector": "GOV"},
         "actor2": None},  # DISAPPROVE is ACCUSE; a gold actor2 of null matches anything
        {"plover": "ASSAULT", "actor1": {"text": "مسلحون", "country": None, "sector": "UAF"}, "actor2": None},
    ]}
    scores = score_actions(GOLD, coded)
    assert (scores.triples.correct, scores.triples.predicted, scores.triples.found) == (2, 3, 2)
    assert scores.type_recall == 1.0


def test_actions_with_the_wrong_second_actor_count_for_actor1_only():
    coded = {"g1": [{"plover": "COERCE", "actor1": {"text": "الشرطة التونسية", "country": "TN", "sector": "COP"},
                     "actor2": {"text": "تونس", "country": "TN", "sector": "GOV"}}]}
    scores = score_actions(GOLD, coded)
    assert scores.triples.correct == 0 and scores.actor1.correct == 1


def test_held_out_is_a_stable_third():
    ids = [f"article-{n}" for n in range(3000)]
    share = sum(map(held_out, ids)) / len(ids)
    assert 0.3 < share < 0.37 and held_out("article-7") == held_out("article-7")


def test_eval_entities_and_actions_on_the_hand_coded_articles():
    gold = shared_file("news/dev_actions.jsonl")
    stream = shared_file("news/dev_stream.jsonl")
    for command, figure in (("entities", "PERS/ORG/LOC"), ("actions", "(PLOVER, actor1) F1")):
        result = akhbar("eval", command, str(gold), str(stream), timeout=300)
        assert result.returncode == 0, result.stderr.decode()
        out = result.stdout.decode()
        assert figure in out and "held-out: 13 articles" in out and "all: 39 articles" in out
