import pytest
from rdflib import OWL, RDF, Graph

from extract.known import ENTITY_TYPES
from kg.vocab import GBA
from kg.vocabgen import NAMESPACE, ONTOLOGY_FILE, render


def test_generated_vocab_matches_ontology():
    with open(__import__("kg.vocab").vocab.__file__, encoding="utf-8") as fh:
        assert fh.read() == render(), "run 'make vocab' after editing ontology.ttl"


def test_closed_namespace_rejects_typos():
    assert str(GBA.locatedIn) == NAMESPACE + "locatedIn"
    with pytest.raises(AttributeError):
        GBA.locatedInn  # noqa: B018


def test_ontology_declares_every_gold_class_and_predicate_with_zh_and_en_labels():
    g = Graph().parse(ONTOLOGY_FILE)
    predicates = [
        "locatedIn",
        "partOf",
        "initiatedBy",
        "hostedBy",
        "partnerOf",
        "fundedBy",
        "servesUsersFrom",
        "affiliatedWith",
        "ranks",
        "cooperatesWithCountry",
        "mentionedWith",
    ]
    for name, kind in [*((t, OWL.Class) for t in ENTITY_TYPES), *((p, OWL.ObjectProperty) for p in predicates)]:
        term = GBA[name]
        assert (term, RDF.type, kind) in g, name
        langs = {label.language for label in g.objects(term, __import__("rdflib").RDFS.label)}
        assert {"zh", "en"} <= langs, name
