"""Action coding: the seed article's phone calls, roles from word order and cues, and what
did not happen (negated, future, wished-for)."""

from __future__ import annotations

import pytest
from components import AGENTS, CODER, EXTRACTOR, NORMALIZER

from processors.actions import merge_actions
from schemas import Article

PUBLISHED = "2024-12-02T10:00:00Z"


def code(article: Article):
    normalized = NORMALIZER(article)
    return CODER(normalized, AGENTS(normalized, EXTRACTOR(normalized))).actions


def code_body(body: str):
    return code(Article(id="a", source="s", body=body, published_at=PUBLISHED))


def summary(actions):
    return {(a.plover, a.actor1.canonical if a.actor1 else None, a.actor2.canonical if a.actor2 else None)
            for a in actions}


@pytest.fixture(scope="module")
def seed_actions(seed_path):
    seed = Article.from_json(seed_path.read_bytes())
    actions = code(seed)
    for action in actions:
        field = seed.title if action.trigger.field == "title" else seed.body
        assert field[action.trigger.start:action.trigger.end] == action.trigger.text
    return actions


def test_seed_lavrov_fidan_call_is_consult_dated_30_november(seed_actions):
    [call] = [a for a in seed_actions if a.actor1 and a.actor1.canonical == "Sergey Lavrov"]
    assert (call.plover, call.actor2.canonical, call.date) == ("CONSULT", "Hakan Fidan", "2024-11-30")
    assert call.cameo.startswith("04")
    assert (call.actor1.country, call.actor1.sector, call.actor2.country) == ("RU", "GOV", "TR")


def test_seed_araghchi_lavrov_call_is_consult_by_telephone(seed_actions):
    [call] = [a for a in seed_actions if a.actor1 and a.actor1.canonical == "Abbas Araghchi"]
    assert (call.plover, call.cameo, call.actor2.canonical) == ("CONSULT", "041", "Sergey Lavrov")
    assert call.actor1.country == "IR"


def test_seed_cabinet_meeting_chaired_by_al_jalali(seed_actions):
    assert ("CONSULT", "Mohammad Ghazi al-Jalali", None) in summary(seed_actions)


def test_seed_repeated_call_is_coded_once(seed_actions):
    keys = [(a.actor1.text, a.actor2.entity_id if a.actor2 else None, a.plover, a.date) for a in seed_actions]
    assert len(keys) == len(set(keys)) and sum(a.plover == "CONSULT" for a in seed_actions) == 3


def test_seed_attack_by_the_terrorist_groups_on_aleppo_is_coded_with_a_generic_actor(seed_actions):
    [attack] = [a for a in seed_actions if a.plover == "ASSAULT"]
    assert (attack.actor1.text, attack.actor1.sector, attack.actor1.entity_id) == ("المجموعات الإرهابية", "IMG", None)


def test_verb_then_subject_then_object_and_place():
    [action] = code_body("استقبل الرئيس الروسي فلاديمير بوتين في موسكو أمس وزير الخارجية التركي هاكان فيدان.")
    assert (action.plover, action.cameo) == ("CONSULT", "043")
    assert (action.actor1.canonical, action.actor2.canonical) == ("Vladimir Putin", "Hakan Fidan")
    assert action.location.canonical == "Moscow"
    assert action.date == "2024-12-01"  # «أمس» of 2 December


def test_noun_agent_follows_the_noun():
    [action] = code_body("أسفر هجوم حركة حماس على الموقع عن إصابات.")
    assert (action.plover, action.actor1.canonical, action.actor1.sector) == ("ASSAULT", "Hamas", "REB")


def test_subject_before_noun_and_object_after_cue():
    [action] = code_body("وأجرى لافروف اتصالا هاتفيا مع فيدان.")
    assert (action.actor1.canonical, action.actor2.canonical, action.cameo) == ("Sergey Lavrov", "Hakan Fidan", "041")


@pytest.mark.parametrize("body", [
    "لم يجر لافروف اتصالا مع فيدان.",  # negated
    "ومن المقرر أن يلتقي لافروف فيدان في أنقرة.",  # planned
    "سيزور لافروف أنقرة الأسبوع المقبل.",  # future
    "ودعا لافروف إلى اجتماع مع فيدان.",  # a wish
    "وأكد لافروف ضرورة اجتماع مع فيدان.",  # a necessity
    "وإذا هاجم داعش المدينة فسيرد الجيش.",  # conditional
])
def test_what_did_not_happen_is_not_coded(body):
    assert code_body(body) == []


def test_purpose_lam_is_not_a_happening():
    actions = code_body("وصل لافروف إلى أنقرة لبحث الأزمة مع فيدان.")
    assert all(a.plover != "CONSULT" for a in actions)


def test_a_trigger_without_actors_is_not_an_action():
    assert code_body("وقع انفجار وهجوم في المنطقة.") == []


def test_merge_keeps_one_per_actors_category_and_date():
    first = code_body("وأجرى لافروف اتصالا هاتفيا مع فيدان.")
    again = code_body("وبحث لافروف مع فيدان الأزمة.")
    merged = merge_actions(first, again)
    assert len(merged) == 1 and merged[0].actor2.canonical == "Hakan Fidan"


def test_non_arabic_articles_have_no_actions():
    assert code(Article(id="e", source="s", body="Lavrov called Fidan on Saturday.", language="en")) == []


def codes(actions):
    def code_of(actor):
        return actor and (actor.country, actor.sector)

    return {(a.plover, code_of(a.actor1), code_of(a.actor2)) for a in actions}


def test_generic_actors_act_with_their_role_and_country():
    actions = code_body("اعتقلت الشرطة البحرينية المتهمين في المنامة")
    assert codes(actions) == {("COERCE", ("BH", "COP"), ("BH", "CRM"))}


def test_a_passive_makes_the_patient_actor2_and_the_agent_cue_actor1():
    actions = code_body("أعلنت وزارة الداخلية السعودية أنه تم اعتقال المتهمين على يد رجال الأمن")
    assert ("COERCE", ("SA", "COP"), ("SA", "CRM")) in codes(actions)
    actions = code_body("قتل مدنيون في قصف على المدينة")
    assert all(a.actor1 is None or a.actor1.sector != "CVL" for a in actions if a.plover == "ASSAULT")


def test_coordinated_actors_make_one_action_a_pair():
    actions = code_body("طالبت الشركة فرنسا وبريطانيا بتسديد التكاليف")
    assert {(a.plover, a.actor1.sector, a.actor2.text) for a in actions} == {
        ("DEMAND", "BUS", "فرنسا"), ("DEMAND", "BUS", "بريطانيا")}


def test_a_state_named_as_where_is_the_place_not_an_actor():
    actions = code_body("قصف تنظيم داعش مواقع في شمال سوريا")
    assert [(a.plover, a.actor1.sector, a.actor2, a.location.text) for a in actions] == [
        ("ASSAULT", "IMG", None, "سوريا")]


def test_the_host_receives_the_counterpart_who_is_the_guest():
    [visit] = code_body("وزير الخارجية القطري يستقبل نظيره الإيراني في الدوحة.")
    assert (visit.plover, visit.cameo) == ("CONSULT", "043")
    assert (visit.actor1.text, visit.actor1.country, visit.actor1.sector) == ("وزير الخارجية القطري", "QA", "GOV")
    assert (visit.actor2.text, visit.actor2.country, visit.actor2.sector) == ("نظيره الإيراني", "IR", "GOV")


def test_a_title_and_its_holder_are_one_actor_with_the_titles_code():
    [visit] = code_body("استقبل وزير الخارجية القطري الشيخ محمد بن عبدالرحمن آل ثاني أمس نظيره الإيراني.")
    assert (visit.actor1.text, visit.actor1.country, visit.actor1.sector) == ("محمد بن عبدالرحمن آل ثاني", "QA", "GOV")
    assert (visit.actor2.country, visit.actor2.sector) == ("IR", "GOV")


def test_a_verb_phrase_may_hold_its_subject():
    [action] = code_body("أطلق مسلحون مجهولون النار على دورية للشرطة العراقية في بغداد.")
    assert (action.plover, action.cameo, action.trigger.text) == ("ASSAULT", "193", "أطلق مسلحون مجهولون النار على")
    assert (action.actor1.sector, action.actor2.country, action.actor2.sector) == ("UAF", "IQ", "COP")


def test_an_action_carries_its_quad_class_goldstein_sentence_and_place():
    body = "وصل الوفد أمس. واستقبل الرئيس الروسي فلاديمير بوتين في موسكو وزير الخارجية التركي هاكان فيدان."
    [visit] = code_body(body)
    assert (visit.cameo, visit.quad_class, visit.goldstein) == ("043", 1, 2.8)
    assert body[visit.sentence.start:visit.sentence.end].startswith("واستقبل")
    assert visit.sentence.start <= visit.trigger.start < visit.trigger.end <= visit.sentence.end
    assert (visit.location.entity_id, visit.location.country) == ("geonames:524901", "RU")
    assert abs(visit.location.latitude - 55.75) < 0.01 and abs(visit.location.longitude - 37.62) < 0.01
    assert (visit.article_ids, visit.sources, visit.num_articles, visit.num_sources) == (["a"], ["s"], 1, 1)


def test_crime_has_no_goldstein_score_and_is_material_conflict():
    actions = code_body("ضبطت الشرطة السعودية مهربين حاولوا تهريب المخدرات عبر الحدود")
    [crime] = [a for a in actions if a.plover == "CRIME"]
    assert (crime.quad_class, crime.goldstein) == (4, None)


def report(body: str, article_id: str, source: str):
    return code(Article(id=article_id, source=source, body=body, published_at=PUBLISHED))


def test_merging_reports_keeps_every_actor_place_and_counts_articles_and_sources():
    placed = report("وأجرى لافروف اتصالا هاتفيا مع فيدان في موسكو.", "a1", "tass")
    unplaced = report("وبحث لافروف مع فيدان الأزمة.", "a2", "anadolu")
    alone = report("وأجرى لافروف اتصالا هاتفيا.", "a3", "anadolu")
    [merged] = merge_actions(merge_actions(placed, unplaced), alone)
    assert (merged.actor1.canonical, merged.actor2.canonical, merged.location.canonical) == (
        "Sergey Lavrov", "Hakan Fidan", "Moscow")
    assert (merged.article_ids, merged.sources) == (["a1", "a2", "a3"], ["tass", "anadolu"])
    assert (merged.num_articles, merged.num_sources) == (3, 2)


def test_a_report_without_actor1_never_replaces_one_with_it():
    [full] = report("وأجرى لافروف اتصالا هاتفيا مع فيدان في موسكو.", "a1", "tass")
    lavrov_alone = full.model_copy(update={"actor2": None, "location": None, "article_ids": ["a2"]})
    nameless = full.model_copy(update={"actor1": None, "actor2": full.actor1, "confidence": 0.5,
                                       "article_ids": ["a3"]})
    merged = merge_actions(merge_actions([full], [lavrov_alone]), [nameless])
    assert merged[0] == full.model_copy(update={"article_ids": ["a1", "a2"], "num_articles": 2})
    assert [a.actor1 for a in merged[1:]] == [None]


def test_a_participle_carries_the_subject_of_its_sentence():
    actions = code_body("استقبل الرئيس الروسي فلاديمير بوتين في موسكو وزير الخارجية التركي هاكان فيدان، "
                        "مشيدا بالعلاقات مع تركيا.")
    assert ("SUPPORT", "Vladimir Putin", "Turkey") in summary(actions)
