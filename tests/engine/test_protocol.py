"""The wire format of generated tokens: compact batches that decode back to the same TokenEvents."""

from __future__ import annotations

from workbench.engine.protocol import TokenBatch, TokenDecoder, decode, encode


def test_token_batches_round_trip_with_each_piece_sent_once() -> None:
    half_a, half_b = "世".encode()[:2], "世".encode()[2:]  # one character split over two tokens
    batch = TokenBatch(request=7)
    batch.pieces.update({1: half_a, 2: half_b, 3: b" the"})
    batch.tokens.append([1, -0.5, None, [1, 3], [-0.5, -1.25]])
    first = decode(encode(batch.message()))
    batch.clear()
    batch.pieces[4] = b"<|im_end|>"
    batch.tokens.append([2, -0.125, 2.5, [2, 4, 3], [-0.125, -3.0, -4.0]])
    second = decode(encode(batch.message()))
    assert first["id"] == second["id"] == 7 and second["type"] == "tokens"
    assert set(second["pieces"]) == {"4"}  # 3 travelled in the first batch

    decoder = TokenDecoder()
    events = decoder.events(first) + decoder.events(second)
    assert [e.bytes for e in events] == [half_a, half_b]
    assert b"".join(e.bytes for e in events).decode() == "世"
    assert events[0].text == "\ufffd" and events[1].entropy == 2.5 and events[0].entropy is None
    assert [(a.id, a.bytes, a.logprob) for a in events[1].top] == [(2, half_b, -0.125), (4, b"<|im_end|>", -3.0), (3, b" the", -4.0)]
    assert events[1].top[2].text == " the"
    assert events[1].to_dict()["bytes"] == half_b.hex()
