"""The unit's tablet in landscape (issue 13, point 3): at 1024 x 768 every question, its
answers and "Nästa" fit on the screen without scrolling, in every language and both
questionnaires (and the follow-up, whose choice items stay a list in two columns)."""

from __future__ import annotations

import pytest

from survey import i18n

LANDSCAPE = {"width": 1024, "height": 768}
QUESTIONNAIRES = [("finsam-indikatorer", "avslut", 7), ("sjalvskattning", "start", 5),
                  ("uppfoljning", "uppfoljning-6", 3)]


@pytest.mark.parametrize("language", [lang.code for lang in i18n.PARTICIPANT_LANGUAGES])
def test_every_question_fits_a_landscape_tablet(live, new_page, language):
    page = new_page(viewport=LANDSCAPE)
    misfits = []
    for key, occasion, count in QUESTIONNAIRES:
        token = live.invite(key, occasion)
        page.goto(f"/s/{token}/sprak")
        page.locator(f'button[name=language][value="{language}"]').click()
        page.wait_for_url("**/start")
        for number in range(1, count + 1):
            page.goto(f"/s/{token}/{number}")
            box = page.locator("main form > button.primary").bounding_box()
            options = page.locator("label.option").last.bounding_box()
            scroll = page.evaluate("document.documentElement.scrollHeight")
            if box is None or box["y"] + box["height"] > LANDSCAPE["height"] \
                    or options["y"] + options["height"] > LANDSCAPE["height"]:
                misfits.append(f"{key} {number}: Nästa ends at "
                               f"{box and round(box['y'] + box['height'])} px (page {scroll} px)")
    assert misfits == [], f"{language}: " + "; ".join(misfits)
