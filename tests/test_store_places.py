"""Schema 4: a saved place keeps the hold it starts again at, and for a step just spoken when
its holds will have played out and the request that spoke it. On every store of the contract,
and through the upgrade from version 3."""

from __future__ import annotations

from skill.store.records import Bookmark, Changes

from .test_store_contract import T0, sql_store, store, stored_at  # noqa: F401  (its stores)

SPOKEN = Bookmark("spiral-twist", 1, T0, hold=3, heard_out=T0 + 150,
                  finishing="amzn1.echo-api.request.1")


def test_a_place_keeps_its_hold_and_when_its_holds_play_out(store):  # noqa: F811
    store.save("ann", Changes(seen=T0, bookmark=SPOKEN))
    assert store.load("ann").bookmark == SPOKEN
    plain = Bookmark("spiral-twist", 1, T0 + 200, hold=4)
    store.save("ann", Changes(bookmark=plain))
    assert store.load("ann").bookmark == plain  # nothing left of the step just spoken


def test_clearing_or_forgetting_a_place_clears_all_of_it(store):  # noqa: F811
    store.save("ann", Changes(seen=T0, bookmark=SPOKEN))
    store.save("ann", Changes(bookmark=Changes.CLEAR))
    assert store.load("ann").bookmark is None
    store.save("bob", Changes(seen=T0, bookmark=SPOKEN))
    store.forget("bob")
    store.save("bob", Changes(seen=T0 + 10, bookmark=Bookmark("butterfly-stretch", 0, T0 + 10)))
    assert store.load("bob").bookmark == Bookmark("butterfly-stretch", 0, T0 + 10)


def test_a_version_3_place_is_upgraded_to_start_at_its_step(database_url):
    stored_at(database_url, 3, (
        "INSERT INTO people (user_id, first_seen, routine, step, place_saved) "
        "VALUES (?, ?, ?, ?, ?)", ("ann", T0, "spiral-twist", 1, T0)))
    upgraded = sql_store(database_url)
    try:
        assert upgraded.load("ann").bookmark == Bookmark("spiral-twist", 1, T0)
    finally:
        upgraded.close()
