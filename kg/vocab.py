"""The gba-kg vocabulary as a closed namespace (generated from ontology.ttl by kg.vocabgen; do not edit)."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["GBA"]


class GBA(DefinedNamespace):
    """Terms of https://w3id.org/gba-kg/ontology#; an unknown term raises AttributeError (the known ones
    are plain class attributes, so reading them costs no namespace look-up)."""

    _fail = True
    _NS = Namespace("https://w3id.org/gba-kg/ontology#")

    # classes
    Alliance: URIRef = _NS["Alliance"]
    Assertion: URIRef = _NS["Assertion"]
    City: URIRef = _NS["City"]
    Company: URIRef = _NS["Company"]
    CooperationZone: URIRef = _NS["CooperationZone"]
    Country: URIRef = _NS["Country"]
    DatedFact: URIRef = _NS["DatedFact"]
    District: URIRef = _NS["District"]
    Document: URIRef = _NS["Document"]
    Entity: URIRef = _NS["Entity"]
    Event: URIRef = _NS["Event"]
    Facility: URIRef = _NS["Facility"]
    GovernmentBody: URIRef = _NS["GovernmentBody"]
    Infrastructure: URIRef = _NS["Infrastructure"]
    InnovationCluster: URIRef = _NS["InnovationCluster"]
    InternationalOrganization: URIRef = _NS["InternationalOrganization"]
    Laboratory: URIRef = _NS["Laboratory"]
    Measurement: URIRef = _NS["Measurement"]
    Mention: URIRef = _NS["Mention"]
    Organization: URIRef = _NS["Organization"]
    Person: URIRef = _NS["Person"]
    Place: URIRef = _NS["Place"]
    Program: URIRef = _NS["Program"]
    QualifiedFact: URIRef = _NS["QualifiedFact"]
    Ranking: URIRef = _NS["Ranking"]
    Region: URIRef = _NS["Region"]
    ResearchInfrastructure: URIRef = _NS["ResearchInfrastructure"]
    ResearchInstitute: URIRef = _NS["ResearchInstitute"]
    ResearchOrganization: URIRef = _NS["ResearchOrganization"]
    ScienceCity: URIRef = _NS["ScienceCity"]
    University: URIRef = _NS["University"]

    # object properties
    about: URIRef = _NS["about"]
    affiliatedWith: URIRef = _NS["affiliatedWith"]
    cooperatesWithCountry: URIRef = _NS["cooperatesWithCountry"]
    denotes: URIRef = _NS["denotes"]
    fundedBy: URIRef = _NS["fundedBy"]
    homeCity: URIRef = _NS["homeCity"]
    hostedBy: URIRef = _NS["hostedBy"]
    inCity: URIRef = _NS["inCity"]
    initiatedBy: URIRef = _NS["initiatedBy"]
    locatedIn: URIRef = _NS["locatedIn"]
    mentionedIn: URIRef = _NS["mentionedIn"]
    mentionedWith: URIRef = _NS["mentionedWith"]
    partOf: URIRef = _NS["partOf"]
    partnerOf: URIRef = _NS["partnerOf"]
    payer: URIRef = _NS["payer"]
    rankedBy: URIRef = _NS["rankedBy"]
    ranks: URIRef = _NS["ranks"]
    relation: URIRef = _NS["relation"]
    servesUsersFrom: URIRef = _NS["servesUsersFrom"]

    # data properties
    attribute: URIRef = _NS["attribute"]
    confidence: URIRef = _NS["confidence"]
    documentCount: URIRef = _NS["documentCount"]
    documentId: URIRef = _NS["documentId"]
    documentRank: URIRef = _NS["documentRank"]
    encoding: URIRef = _NS["encoding"]
    endOffset: URIRef = _NS["endOffset"]
    entityCount: URIRef = _NS["entityCount"]
    factCount: URIRef = _NS["factCount"]
    format: URIRef = _NS["format"]
    path: URIRef = _NS["path"]
    rule: URIRef = _NS["rule"]
    script: URIRef = _NS["script"]
    sentence: URIRef = _NS["sentence"]
    sentenceIndex: URIRef = _NS["sentenceIndex"]
    sha256: URIRef = _NS["sha256"]
    startOffset: URIRef = _NS["startOffset"]
    surface: URIRef = _NS["surface"]
    unit: URIRef = _NS["unit"]
    value: URIRef = _NS["value"]
    valueText: URIRef = _NS["valueText"]
    year: URIRef = _NS["year"]
