import pytest

from app.extensions import db
from app.storage import FolderStorage, delete_after_commit, new_key, save_in_transaction, storage


def test_saved_files_read_back_and_keys_are_unguessable(tmp_path):
    store = FolderStorage(tmp_path)
    key = store.save(new_key("submissions", ".pdf"), b"%PDF-1.7 hello")
    assert key.startswith("submissions/") and len(key) > 40
    assert store.read(key) == b"%PDF-1.7 hello"
    assert new_key("submissions", ".pdf") != new_key("submissions", ".pdf")
    store.delete(key)
    assert not store.exists(key)


@pytest.mark.parametrize("key", ["../outside.txt", "a/../../outside.txt", "/etc/passwd"])
def test_a_key_cannot_escape_the_storage_folder(tmp_path, key):
    with pytest.raises(ValueError):
        FolderStorage(tmp_path / "store").save(key, b"x")


def test_files_follow_the_outermost_transaction_not_a_savepoint(app):
    kept = storage().save(new_key("submissions", ".pdf"), b"%PDF-old")
    delete_after_commit(kept)
    new = save_in_transaction("submissions", ".pdf", b"%PDF-new")
    with db.session.begin_nested():
        pass  # released: not a commit of the transaction that refers to the files
    db.session.rollback()
    assert storage().exists(kept) and not storage().exists(new)


def test_a_commit_deletes_what_it_stopped_referring_to_and_keeps_what_it_saved(app):
    old = storage().save(new_key("submissions", ".pdf"), b"%PDF-old")
    delete_after_commit(old)
    new = save_in_transaction("submissions", ".pdf", b"%PDF-new")
    db.session.commit()
    db.session.rollback()  # a later transaction's rollback leaves the committed file alone
    assert not storage().exists(old) and storage().read(new) == b"%PDF-new"
