"""Generates ``kg/vocab.py``, the closed namespace of ``ontology.ttl``.

Run ``python -m kg.vocabgen`` after editing the ontology; a test fails while the two differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

__all__ = ["NAMESPACE", "ONTOLOGY_FILE", "main", "render"]

ONTOLOGY_FILE = Path(__file__).resolve().parent.parent / "ontology.ttl"
NAMESPACE = "https://w3id.org/gba-kg/ontology#"


def render(ontology: Path = ONTOLOGY_FILE) -> str:
    g = Graph().parse(ontology, format="turtle")
    kinds = {OWL.Class: "classes", OWL.ObjectProperty: "object properties", OWL.DatatypeProperty: "data properties"}
    sections = []
    for kind, title in kinds.items():
        names = sorted(
            str(s)[len(NAMESPACE) :] for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)
        )
        sections.append(f"    # {title}\n" + "".join(f'    {n}: URIRef = _NS["{n}"]\n' for n in names))
    return (
        '"""The gba-kg vocabulary as a closed namespace (generated from ontology.ttl by kg.vocabgen; do not edit)."""\n\n'
        "from rdflib.namespace import DefinedNamespace, Namespace\n"
        "from rdflib.term import URIRef\n\n"
        '__all__ = ["GBA"]\n\n\n'
        "class GBA(DefinedNamespace):\n"
        '    """Terms of https://w3id.org/gba-kg/ontology#; an unknown term raises AttributeError (the known ones\n'
        '    are plain class attributes, so reading them costs no namespace look-up)."""\n\n'
        "    _fail = True\n"
        f'    _NS = Namespace("{NAMESPACE}")\n\n' + "\n".join(sections)
    )


def main() -> None:
    target = Path(__file__).with_name("vocab.py")
    target.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")


if __name__ == "__main__":
    main()
