"""An answer racing a submit: the submit wins or the answer is stored before it, never
an answer slipped into a submitted survey (on SQLite's write lock and PostgreSQL's row
lock alike)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select, text

from survey.extensions import db
from survey.models import Answer, Response, utcnow

from .test_answering_journey import answer, choose_language


def test_an_answer_waiting_on_a_submit_is_refused(app, client, make_invitation):
    token = make_invitation()
    choose_language(client, token, "sv")
    assert answer(client, token, 1, "4").status_code == 302
    response_id = db.session.scalar(select(Response.id))
    db.session.rollback()

    replies = []
    with db.engine.connect() as other:  # another tab's submit, holding its lock
        if other.dialect.name == "sqlite":
            other.exec_driver_sql("BEGIN IMMEDIATE")
        other.execute(
            text("UPDATE response SET submitted_at = :now WHERE id = :id "
                 "AND submitted_at IS NULL"), {"now": utcnow(), "id": response_id})
        def tap_next() -> None:
            with app.app_context():  # a request thread of its own, as under gunicorn
                replies.append(answer(app.test_client(), token, 2, "1"))

        racing = threading.Thread(target=tap_next)
        racing.start()
        time.sleep(0.5)
        assert racing.is_alive(), "the answer must wait for the submit's lock"
        other.commit()
    racing.join(timeout=15)

    assert not racing.is_alive()
    assert "Du har redan svarat" in replies[0].text
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    assert db.session.scalar(select(Answer.item_id)) == "delaktighet"
