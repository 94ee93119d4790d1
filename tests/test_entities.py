"""Entity extraction and linking: the registry, the CRF tagger, and the user's seed article."""

from __future__ import annotations

from collections import defaultdict

import os

import pytest

from conftest import akhbar, shared_file
from processors import AgentFinder, EntityExtractor, Gazetteer, Normalizer
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


# The four failures a new user reported on their own articles.

def test_a_state_of_the_nile_is_one_place():
    [place] = [e for e in extract("وصل الوفد إلى ولاية نهر النيل أمس") if e.type == "LOC"]
    assert place.text == "ولاية نهر النيل"


def test_a_geonames_place_carries_its_coordinates():
    [city] = extract("وصل الوفد إلى الخرطوم")
    assert (city.entity_id, city.country) == ("geonames:379252", "SD")
    assert abs(city.latitude - 15.55) < 0.01 and abs(city.longitude - 32.53) < 0.01


def test_a_city_name_shared_with_villages_is_the_city():
    [city] = extract("وصل الوفد إلى الدوحة")
    assert (city.entity_id, city.canonical, city.country) == ("geonames:290030", "Doha", "QA")


def test_gaza_has_one_id_alone_and_in_the_strip():
    places = [e for e in extract("قصفت الطائرات غزة، وقال سكان في قطاع غزة إن القصف استمر") if e.type == "LOC"]
    assert [e.text for e in places] == ["غزة", "قطاع غزة"]
    assert {e.entity_id for e in places} == {"place:gaza-strip"} and {e.country for e in places} == {"PS"}


def test_a_span_never_starts_inside_a_word():
    [ministry] = extract("وجاء في بيان للخارجية القطرية أن الوفد وصل")
    assert ministry.text == "للخارجية القطرية"  # «لل»: the article's alef is elided, the «ل» stays
    assert (ministry.entity_id, ministry.country, ministry.role) == ("org:ministry-foreign-affairs-qa", "QA", "GOV")
    [country] = extract("قدم الوفد الدعم للبنان")
    assert country.text == "لبنان"


def test_an_airstrike_report_names_the_army_the_government_and_the_agency():
    entities = extract("شن الجيش الإسرائيلي غارة على جنوب لبنان، وأدانت الحكومة اللبنانية الغارة، "
                       "بحسب ما ذكرته الوكالة الوطنية للإعلام")
    found = {e.text: (e.type, e.country, e.role) for e in entities}
    assert found["الجيش الإسرائيلي"] == ("ORG", "IL", "MIL")
    assert found["الحكومة اللبنانية"] == ("ORG", "LB", "GOV")
    assert found["الوكالة الوطنية للإعلام"][::2] == ("ORG", "MED")
    assert found["لبنان"] == ("LOC", "LB", "GOV")


@pytest.mark.parametrize(("body", "name", "country", "role"), [
    ("قضت محكمة الجنايات الكويتية بسجن المتهم", "محكمة الجنايات الكويتية", "KW", "JUD"),
    ("أعلنت الإدارة العامة للمؤسسات الإصلاحية عن برنامج جديد", "الإدارة العامة للمؤسسات الإصلاحية", None, "GOV"),
    ("وافق مجلس النواب الأردني على القانون", "مجلس النواب الأردني", "JO", "LEG"),
    ("قالت شرطة منطقة جازان إنها قبضت على مهربين", "شرطة منطقة جازان", "SA", "COP"),
    ("أعلن تنظيم داعش مسؤوليته", "تنظيم داعش", None, "IMG"),
])
def test_organisations_are_head_noun_phrases_with_a_country_and_a_role(body, name, country, role):
    [organisation] = [e for e in extract(body) if e.type == "ORG"]
    assert (organisation.text, organisation.country, organisation.role) == (name, country, role)


@pytest.mark.parametrize("body", ["قال الجيش في بيان", "تعمل الحكومة الجديدة على خطة", "باعت الشركة الروسية حصتها",
                                  "قال صندوق استثماري إن الأسهم ارتفعت"])
def test_a_head_noun_alone_or_described_is_no_name(body):
    assert [e for e in extract(body) if e.type == "ORG"] == []


def test_people_are_found_as_name_chains_and_office_holders_carry_their_office_on_the_date():
    entities = extract("وقال ذياب بن محمد الشمري إن الأمر انتهى")
    assert [(e.text, e.type) for e in entities] == [("ذياب بن محمد الشمري", "PERS")]
    salman = [e for e in EXTRACTOR(NORMALIZER(Article(id="a", source="s", published_at="2015-07-30",
                                                      body="استقبل خادم الحرمين الشريفين الوفد"))).entities]
    assert [(e.canonical, e.country, e.role) for e in salman] == [("Salman bin Abdulaziz Al Saud", "SA", "GOV")]


def test_every_seed_entity_carries_a_country_and_named_actors_a_role(seed_entities):
    for entity in seed_entities:
        if entity.canonical in ("Western Asia", "Astana format (Syria talks)"):  # a region, a process
            continue
        assert entity.country is not None, entity
        if entity.type in ("PERS", "ORG") or entity.entity_id.startswith("Q"):
            assert entity.role is not None, entity


# Generic actors («قوات الأمن», «مسلحون مجهولون»): agents beside the entities.

AGENTS = AgentFinder(NORMALIZER.match_form, REGISTRY.nisbas_by_form(NORMALIZER.match_form))


def agents_of(body: str):
    normalized = NORMALIZER(Article(id="a", source="s", body=body))
    return AGENTS(normalized, EXTRACTOR(normalized)).agents


def test_generic_actors_are_found_with_their_role_and_offsets():
    body = "أطلق مسلحون مجهولون النار على قوات الأمن، وقال الأهالي إن المتظاهرين تفرقوا ورجال الأمن انتشروا"
    agents = agents_of(body)
    assert [(a.text, a.role) for a in agents] == [
        ("مسلحون مجهولون", "UAF"), ("قوات الأمن", "COP"), ("الأهالي", "CVL"), ("المتظاهرين", "CVL"),
        ("رجال الأمن", "COP")]
    assert all(body[a.start:a.end] == a.text for a in agents)


def test_a_generic_actor_takes_its_country_from_a_nisba_or_the_article_around_it():
    agents = agents_of("قالت وزارة الداخلية البحرينية إن رجال الأمن البحرينيين اعتقلوا المتهمين، "
                       "وإن المواطنين تعاونوا، وإن إرهابيين فروا")
    assert [(a.text, a.role, a.country) for a in agents] == [
        ("رجال الأمن البحرينيين", "COP", "BH"), ("المتهمين", "CRM", "BH"), ("المواطنين", "CVL", "BH"),
        ("إرهابيين", "IMG", None)]


def test_a_named_organisation_is_an_entity_not_an_agent():
    body = "نفذت القوات السعودية عملية"
    assert agents_of(body) == [] and [(e.text, e.country, e.role) for e in extract(body)] == [
        ("القوات السعودية", "SA", "MIL")]


def test_after_a_preposition_a_word_is_read_whole_and_the_span_starts_at_it():
    entities = extract("وانضم مقاتلون للواء 35 مدرع، فيما تعمل الحكومة للبنى التحتية")
    assert [(e.text, e.type) for e in entities] == [("لواء 35", "ORG")]  # «ل» + «لواء»; no «لبنى»


def test_a_person_named_after_a_title_holds_it():
    normalized = NORMALIZER(Article(id="a", source="s", body="وقال وزير التعليم السعودي الدكتور عزام الدخيل إن"))
    [person] = [e for e in AGENTS(normalized, EXTRACTOR(normalized)).entities if e.type == "PERS"]
    assert (person.text, person.role, person.country) == ("عزام الدخيل", "GOV", "SA")
