"""Question 6 (redo) of our own indicator questions, version 2, and its scale on a phone
in the languages issue 12 names: the comparison and every scale step are visible, the
page passes axe and does not scroll sideways. Screenshots when STEGVIS_SCREENSHOTS is set."""

from __future__ import annotations

import pytest

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan

# The comparison the v2 statement makes, as each language writes it.
REDO = {
    "sv": "nu än innan jag fick stödet",
    "lattlast": "Mer redo än innan jag fick stödet.",
    "fa": "نسبت به قبل از گرفتن حمایت",
    "so": "intaanan taageerada helin",
    "ti": "ቅድሚ ምርካበይ",
}
SCALE = {
    "sv": ["Stämmer helt", "Stämmer ganska bra", "Stämmer ganska dåligt", "Stämmer inte alls",
           "Vet inte"],
    "lattlast": ["Det stämmer helt", "Det stämmer ganska bra", "Det stämmer inte så bra",
                 "Det stämmer inte alls", "Jag vet inte"],
    "fa": ["کاملاً درست است", "بیشتر درست است", "بیشتر درست نیست", "اصلاً درست نیست",
           "نمی‌دانم"],
    "so": ["Gebi ahaanba waa run", "Inta badan waa run", "Inta badan run ma aha",
           "Haba yaraatee run ma aha", "Ma garanayo"],
    "ti": ["ምሉእ ብምሉእ ሓቂ እዩ", "ብመብዛሕትኡ ሓቂ እዩ", "ብመብዛሕትኡ ሓቂ ኣይኮነን", "ፈጺሙ ሓቂ ኣይኮነን",
           "ኣይፈልጥን"],
}


@pytest.mark.parametrize("language", list(REDO))
def test_question_six_and_the_scale_on_a_phone(live, new_page, axe_source, language):
    token = live.invite("finsam-indikatorer", "avslut")
    page = new_page(viewport=PHONE, bypass_csp=True)
    page.goto(f"/s/{token}/sprak")
    page.locator(f'button[name=language][value="{language}"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    page.goto(f"/s/{token}/6")
    heading = page.locator("legend h1")
    assert REDO[language] in heading.inner_text()
    labels = [label.inner_text().strip() for label in page.locator("label.option").all()]
    assert labels == SCALE[language]
    problems = scan(page, axe_source, f"redo {language}")
    screenshot(page, f"issue12-redo-{language}")
    assert problems == []
