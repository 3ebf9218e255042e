"""The interface ships fully translated: no untranslated or fuzzy entry, and the compiled
catalogues that Django reads say exactly what the .po files say."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "ponte" / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def test_there_is_a_catalogue_for_every_interface_language_but_english():
    expected = {code.replace("-", "_").split("_")[0] for code, _name in settings.LANGUAGES} - {"en"}
    assert {path.parts[-3].split("_")[0] for path in CATALOGUES} == expected


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()][:10]
    assert not catalogue.fuzzy_entries(), [e.msgid for e in catalogue.fuzzy_entries()][:10]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_the_compiled_catalogue_matches_its_source(path):
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.pofile(str(path))}
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(path.with_suffix(".mo")))
    }
    assert {key: value for key, value in source.items() if key[1]} == {
        key: value for key, value in compiled.items() if key[1]
    }, "run `make compilemessages` after editing a .po file"
