"""The synthetic catalogue of `generate` and the labelled matchmaking set of the benchmark are
written from the same vendors' vocabularies: the benchmark counts a catalogue solution as
relevant to the labelled challenges of its topic, which holds only while both say the same."""

from dataclasses import fields

from bench.matching_set import vocabulary
from ponte.dev.generate.catalogue import Topic, Vocabulary, load_vocabulary


def test_the_catalogue_speaks_the_vendors_words_of_the_labelled_set():
    catalogue, labelled = load_vocabulary(), vocabulary()
    for part in fields(Vocabulary):
        if part.name != "topics":
            assert getattr(catalogue, part.name) == getattr(labelled, part.name), part.name
    assert [topic.key for topic in catalogue.topics] == [topic.key for topic in labelled.topics]
    for mine, theirs in zip(catalogue.topics, labelled.topics, strict=True):
        for part in fields(Topic):
            assert getattr(mine, part.name) == getattr(theirs, part.name), (mine.key, part.name)
    assert len(catalogue.topics) == 20 and all(topic.vendor and topic.offers for topic in catalogue.topics)
