import pytest

from app.storage import FolderStorage, new_key


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
