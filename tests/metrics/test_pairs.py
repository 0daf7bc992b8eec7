"""Member pairs counted in blocks of votes agree with a count made pair by pair."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.metrics import pairs
from tracker.metrics.filters import Filters


@pytest.mark.parametrize("votes", [1, 511, 512, 1300])
def test_pairs_counted_in_blocks_match_a_count_pair_by_pair(votes, monkeypatch):
    # Codes 0 (no row), 1-3 (yes, no, abstain), 4 (absent), 5 (not a member); 1,300 votes make three blocks and a
    # short last one. Members 0 and 1 never cast a vote, so they are no pair's member.
    monkeypatch.setattr(pairs, "PAIR_BLOCK", 512)
    rng = np.random.default_rng(votes)
    positions = rng.integers(0, 6, size=(9, votes), dtype=np.int8)
    positions[:2] = 4
    ids = np.array([f"m{i}" for i in range(9)], dtype=object)
    dates = np.arange(votes).astype("datetime64[D]")
    parties = np.zeros_like(positions, dtype=np.int16)
    counted = pairs.member_pairs(ids, dates, positions, parties, [], Filters())

    cast = (positions >= 1) & (positions <= 3)
    expected = {}
    for i in range(9):
        for j in range(9):
            both = cast[i] & cast[j]
            if i != j and both.any():
                expected[(ids[i], ids[j])] = (int(both.sum()), (both & (positions[i] == positions[j])).sum()
                                              / both.sum())
    got = {(counted.ids[a], counted.ids[b]): (int(n), share)
           for a, b, n, share in zip(counted.a, counted.b, counted.votes_compared, counted.agreement, strict=True)}
    assert got.keys() == expected.keys()
    for pair, (n, share) in expected.items():
        assert got[pair][0] == n and got[pair][1] == pytest.approx(share, abs=1e-12), pair
    assert "m0" not in counted.ids and "m1" not in counted.ids


def test_a_party_filter_counts_only_votes_cast_while_in_a_chosen_party():
    positions = np.array([[1, 1, 2], [1, 2, 2], [1, 1, 1]], dtype=np.int8)
    parties = np.array([[1, 1, 2], [1, 1, 1], [2, 2, 2]], dtype=np.int16)   # member 0 moves to B on vote 3
    dates = np.arange(3).astype("datetime64[D]")
    counted = pairs.member_pairs(np.array(["a", "b", "c"], dtype=object), dates, positions, parties, ["A", "B"],
                                 Filters(parties=("A",)))
    assert list(counted.ids) == ["a", "b"]
    assert counted.votes_compared.tolist() == [2, 2] and counted.agreement.tolist() == [0.5, 0.5]
