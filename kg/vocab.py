"""The gba-kg vocabulary as a closed namespace (generated from ontology.ttl by kg.vocabgen; do not edit)."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["GBA"]


class GBA(DefinedNamespace):
    """Terms of https://w3id.org/gba-kg/ontology#; an unknown term raises AttributeError."""

    _fail = True
    _NS = Namespace("https://w3id.org/gba-kg/ontology#")

    # classes
    Alliance: URIRef
    Assertion: URIRef
    City: URIRef
    Company: URIRef
    CooperationZone: URIRef
    Country: URIRef
    DatedFact: URIRef
    District: URIRef
    Document: URIRef
    Entity: URIRef
    Event: URIRef
    Facility: URIRef
    GovernmentBody: URIRef
    Infrastructure: URIRef
    InnovationCluster: URIRef
    InternationalOrganization: URIRef
    Laboratory: URIRef
    Measurement: URIRef
    Mention: URIRef
    Organization: URIRef
    Person: URIRef
    Place: URIRef
    Program: URIRef
    QualifiedFact: URIRef
    Ranking: URIRef
    Region: URIRef
    ResearchInfrastructure: URIRef
    ResearchInstitute: URIRef
    ResearchOrganization: URIRef
    ScienceCity: URIRef
    University: URIRef

    # object properties
    about: URIRef
    affiliatedWith: URIRef
    cooperatesWithCountry: URIRef
    denotes: URIRef
    fundedBy: URIRef
    homeCity: URIRef
    hostedBy: URIRef
    inCity: URIRef
    initiatedBy: URIRef
    locatedIn: URIRef
    mentionedIn: URIRef
    mentionedWith: URIRef
    partOf: URIRef
    partnerOf: URIRef
    payer: URIRef
    rankedBy: URIRef
    ranks: URIRef
    relation: URIRef
    servesUsersFrom: URIRef

    # data properties
    attribute: URIRef
    confidence: URIRef
    documentCount: URIRef
    documentId: URIRef
    documentRank: URIRef
    encoding: URIRef
    endOffset: URIRef
    entityCount: URIRef
    factCount: URIRef
    format: URIRef
    path: URIRef
    rule: URIRef
    script: URIRef
    sentence: URIRef
    sentenceIndex: URIRef
    sha256: URIRef
    startOffset: URIRef
    surface: URIRef
    unit: URIRef
    value: URIRef
    valueText: URIRef
    year: URIRef
