"""Start-up reads revision ids from file names; they must agree with Alembic's own view."""

from alembic.script import ScriptDirectory

from fupin_desktop import migrate


def test_file_names_match_alembic_revisions():
    script = ScriptDirectory.from_config(migrate._config())
    assert migrate.head_revision() == script.get_current_head()
    revs = [r.revision for r in script.walk_revisions()]
    assert sorted(revs) == migrate.known_revisions()
    assert len(script.get_heads()) == 1  # linear history
