"""Articles not in English are skipped; English ones, short or long, never are."""

from __future__ import annotations

import pytest

from service.extraction.text import language_gate
from service.models import Article
from tests.conftest import ROOT, SEED

FOREIGN = {
    "fr": "Le président de la République a reçu mardi à l'Élysée le chancelier allemand pour "
    "un entretien consacré à la guerre en Ukraine et à l'aide militaire européenne. Les deux "
    "dirigeants ont appelé la Russie à retirer ses troupes et ont promis de nouvelles sanctions.",
    "es": "El presidente del Gobierno se reunió este martes en Madrid con el primer ministro "
    "de Portugal para firmar un acuerdo de cooperación energética. Ambos líderes condenaron "
    "los ataques contra la población civil y pidieron un alto el fuego inmediato en la región.",
    "de": "Der Bundeskanzler hat am Dienstag in Berlin den französischen Präsidenten empfangen. "
    "Beide Politiker forderten Russland auf, seine Truppen abzuziehen, und kündigten weitere "
    "Sanktionen gegen Moskau sowie zusätzliche Militärhilfe für die Ukraine an.",
    "ru": "Министр иностранных дел России провёл в Москве переговоры со своим китайским "
    "коллегой. Стороны обсудили ситуацию на Ближнем Востоке и подписали соглашение о "
    "сотрудничестве в области энергетики и торговли между двумя странами.",
    "zh": "中国外交部长星期二在北京会见了俄罗斯外交部长，双方就乌克兰局势和中东问题交换了意见，"
    "并签署了关于加强能源与贸易合作的协议。两国外长表示将继续保持密切沟通与协调。"
    "双方还讨论了地区安全问题。会谈结束后，两国外长共同会见了记者，介绍了会谈成果，"
    "并表示愿意在联合国等多边框架内加强协调，共同维护地区和平稳定，推动政治解决有关问题。"
    "外交部发言人随后在例行记者会上介绍了会见的详细情况，并回答了记者提出的有关问题。",
    "ar": "التقى وزير الخارجية المصري نظيره الأردني في القاهرة يوم الثلاثاء لبحث الأوضاع في "
    "غزة، ودعا الجانبان إلى وقف فوري لإطلاق النار وإدخال المساعدات الإنسانية دون عوائق، "
    "كما وقعا اتفاقية للتعاون في مجال الطاقة.",
}


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_news_in_another_language_is_skipped(language):
    text = FOREIGN[language]
    assert len(text) >= language_gate.MIN_CHARS
    assert language_gate.skip_reason(Article(id=language, text=text)) == "not_english"


def test_a_declared_language_is_taken_at_its_word():
    english = Article.model_validate_json(SEED.read_text().splitlines()[0])
    assert language_gate.skip_reason(english) is None
    assert language_gate.skip_reason(english.model_copy(update={"language": "fr"})) == (
        "not_english"
    )
    assert language_gate.skip_reason(english.model_copy(update={"language": "en-GB"})) is None


def test_no_english_article_is_skipped():
    """Every article of the benchmark corpus and of the samples is coded: a false skip
    loses events, a false pass only codes a foreign article into (almost) nothing."""
    lines = (ROOT / "bench" / "corpus" / "news-mix.jsonl").read_text().splitlines()
    lines += SEED.read_text().splitlines()
    articles = [Article.model_validate_json(line) for line in lines]
    skipped = [a.id for a in articles if language_gate.skip_reason(a)]
    assert skipped == []
    assert len(articles) > 650


def test_short_texts_are_always_coded():
    short = Article(id="s", text="Obama met Putin in Moscow.")
    assert language_gate.skip_reason(short) is None
    assert language_gate.skip_reason(Article(id="t", text=FOREIGN["fr"][:120])) is None


def test_markup_is_not_taken_for_a_language():
    english = Article.model_validate_json(SEED.read_text().splitlines()[0])
    rules = "".join(
        f".c{n}{{mrg:0 {n}px;pdng:{n}px;bx-shdw:0 0 {n}px #{n:03x}}}" for n in range(60)
    )
    styled = f"<style>{rules}</style><p>{english.text}</p>"
    assert len(rules) > language_gate.SAMPLE_CHARS
    assert language_gate.skip_reason(english.model_copy(update={"text": styled})) is None
