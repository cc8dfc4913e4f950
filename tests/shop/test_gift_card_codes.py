"""Gift card codes: random, unambiguous, shown grouped, typed any way."""

from shop.models import (
    GIFT_CARD_CODE_ALPHABET,
    format_gift_card_code,
    new_gift_card_code,
    normalise_gift_card_code,
)


def test_a_new_code_has_sixteen_characters_from_the_unambiguous_alphabet():
    code = new_gift_card_code()
    assert len(code) == 16
    assert set(code) <= set(GIFT_CARD_CODE_ALPHABET)


def test_the_alphabet_leaves_out_characters_people_confuse():
    assert not set("0O1IL") & set(GIFT_CARD_CODE_ALPHABET)


def test_new_codes_are_random():
    assert len({new_gift_card_code() for _ in range(200)}) == 200


def test_a_code_is_shown_in_groups_of_four():
    assert format_gift_card_code("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"


def test_a_typed_code_is_matched_ignoring_case_dashes_and_spaces():
    assert normalise_gift_card_code(" abcd-efgh jkmn-pqrs\n") == "ABCDEFGHJKMNPQRS"


def test_normalising_nothing_gives_an_empty_code():
    assert normalise_gift_card_code("") == ""
