"""Shared assertion for numeric exercises: the right answer (rounded to cents) is accepted,
every typical mistake gets its own explanation, and non-numbers get a kind "info" reply."""


def assert_numeric_feedback(q):
    assert q.check(round(q.answer, 2)).correct
    for mistake in q.mistakes:
        feedback = q.check(mistake.value)
        assert not feedback.correct and mistake.explanation in feedback.text
    assert q.check("a lot").verdict == "info"
    assert q.check(None).verdict == "info"
